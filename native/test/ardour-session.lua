-- Builds a session in Ardour 7 (headless luasession): one stereo audio track fed by the SinGen Lua generator and
-- AceForge inserted after it as a VST3, its Output Gain set to −6 dB; then saves. The caller sets the session range,
-- reopens the session (ardour-reopen.lua) and exports.
io.stdout:setvbuf("no")
local s = create_session(os.getenv("SESS_DIR"), "sess", 48000)
assert(s, "create_session failed")
Session = s
local tl = Session:new_audio_track(1, 2, nil, 1, "chain", ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true)
local track = nil
for t in tl:iter() do track = t end
local sg = ARDOUR.LuaAPI.new_plugin(Session, "SinGen", ARDOUR.PluginType.Lua, "")
assert(not sg:isnil(), "SinGen missing")
track:add_processor_by_index(sg, 0, nil, true)
local af = ARDOUR.LuaAPI.new_plugin(Session, "AceForge", ARDOUR.PluginType.VST3, "")
assert(not af:isnil(), "AceForge VST3 not found by Ardour")
assert(track:add_processor_by_index(af, 1, nil, true) == 0, "could not insert AceForge")
print("inserted: " .. af:display_name())
assert(ARDOUR.LuaAPI.set_processor_param(af, 1, -6.0), "could not set Output Gain")
print("gain set: " .. ARDOUR.LuaAPI.get_processor_param(af, 1, true))
Session:save_state("")
close_session()
print("DONE")
