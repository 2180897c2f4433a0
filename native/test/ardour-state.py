"""Reads or rewrites AceForge's state inside an Ardour 7 session file.

Ardour keeps a VST3 plug-in's state as a base64 <chunk>: the VST3 preset layout ("VST3", version, class id, the
offset of a chunk list; the component state; a list naming where "Comp" and "Cont" sit). AceForge's component state
is its own header ("AFST", version 2, parameter count, parameters) followed by its Java side's JSON.

  ardour-state.py inject SESSION.ardour JSON   gives AceForge a state with Java content (as a user's project has)
  ardour-state.py show SESSION.ardour          prints the parameters and the JSON
"""
import base64, re, struct, sys

def chunks(text):
    return list(re.finditer(r'(<Processor[^>]*name="AceForge"[\s\S]*?<chunk>)([^<]*)(</chunk>)', text))

def unpack(b64):
    raw = base64.b64decode(b64)
    assert raw[:4] == b"VST3", "not a VST3 preset chunk"
    list_at = struct.unpack_from("<q", raw, 40)[0]
    assert raw[list_at:list_at + 4] == b"List"
    entries = {}
    for i in range(struct.unpack_from("<i", raw, list_at + 4)[0]):
        cid, off, size = struct.unpack_from("<4sqq", raw, list_at + 8 + 20 * i)
        entries[cid] = raw[off:off + size]
    return raw[:40], entries

def pack(head, comp, cont):
    body = comp + cont
    list_at = 48 + len(body)
    out = head + struct.pack("<q", list_at) + body + b"List" + struct.pack("<i", 2)
    out += struct.pack("<4sqq", b"Comp", 48, len(comp)) + struct.pack("<4sqq", b"Cont", 48 + len(comp), len(cont))
    return base64.b64encode(out).decode()

def parse_comp(comp):
    assert comp[:4] == b"AFST", "no AceForge header"
    version, count = struct.unpack_from("<ii", comp, 4)
    params = struct.unpack_from("<%dd" % count, comp, 12)
    return version, params, comp[12 + 8 * count:]

if __name__ == "__main__":
    cmd, path = sys.argv[1], sys.argv[2]
    text = open(path).read()
    found = chunks(text)
    assert len(found) == 1, "expected one AceForge processor with a state chunk, found %d" % len(found)
    m = found[0]
    head, entries = unpack(m.group(2))
    version, params, payload = parse_comp(entries[b"Comp"])
    if cmd == "show":
        print("version %d params %s" % (version, " ".join("%.6f" % p for p in params)))
        print("json %s" % payload.decode("utf-8", "replace"))
    elif cmd == "inject":
        comp = entries[b"Comp"][:12 + 8 * len(params)] + sys.argv[3].encode()
        text = text[:m.start(2)] + pack(head, comp, entries.get(b"Cont", b"")) + text[m.end(2):]
        open(path, "w").write(text)
        print("injected %d bytes of JSON" % len(sys.argv[3]))
