-- Reopens the saved session (AceForge restores its state; a state with content starts its Java side in the
-- background), waits for that, saves the session again and closes it.
io.stdout:setvbuf("no")
local s = load_session(os.getenv("SESS_DIR"), "sess")
assert(s, "load_session failed")
Session = s
for r in Session:get_routes():iter() do
  local i = 0
  while true do
    local p = r:nth_plugin(i)
    if p:isnil() then break end
    if p:display_name() == "AceForge" then print("reopened gain: " .. ARDOUR.LuaAPI.get_processor_param(p, 1, true)) end
    i = i + 1
  end
end
os.execute("sleep " .. (os.getenv("WAIT_SECONDS") or "6"))
Session:save_state("")
close_session()
print("DONE")
