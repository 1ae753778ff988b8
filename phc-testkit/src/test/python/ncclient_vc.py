#!/usr/bin/python3
"""Drives a simulated Junos VC with ncclient (python3-ncclient): base NETCONF operations.

Usage: ncclient_vc.py <json-arguments>
  {"host": "localhost", "port": 8830, "user": "phc", "password": "...", "expect_chunked": true}

Each step prints "ok <call>" or "FAIL <call>: <why>"; exit 1 at the first failure; last line "RESULT passed=<n>".
"""
import json
import sys
import traceback

from ncclient import manager
from ncclient.operations import RPCError
from ncclient.xml_ import to_ele

args = json.loads(sys.argv[1])
passed = 0


def step(call, fn):
    global passed
    try:
        result = fn()
    except AssertionError as e:
        print("FAIL %s: %s" % (call, e), flush=True)
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - every failure must name its call
        print("FAIL %s: %s: %s" % (call, type(e).__name__, e), flush=True)
        traceback.print_exc(file=sys.stdout)
        sys.exit(1)
    passed += 1
    print("ok %s" % call, flush=True)
    return result


def check(cond, why):
    if not cond:
        raise AssertionError(why)


m = step("manager.connect()", lambda: manager.connect(
    host=args["host"], port=args["port"], username=args["user"], password=args["password"],
    hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=30))
step("server capabilities", lambda: check(":candidate" in m.server_capabilities
                                          and ":validate" in m.server_capabilities,
                                          "candidate/validate not advertised: %r" % list(m.server_capabilities)))
base11 = "urn:ietf:params:netconf:base:1.1" in m.server_capabilities
step("framing", lambda: check(base11 == args["expect_chunked"],
                              "server base:1.1 is %r, expected %r" % (base11, args["expect_chunked"])))
got = step("get()", lambda: m.get())
step("get() data", lambda: check("<configuration" in got.data_xml, "no configuration in %r" % got.data_xml[:300]))
running = step("get_config(running)", lambda: m.get_config(source="running"))
step("get_config data", lambda: check("<vlans>" in running.data_xml, "no vlans in %r" % running.data_xml[:300]))
step("lock(candidate)", lambda: m.lock(target="candidate"))
step("edit_config(candidate)", lambda: m.edit_config(target="candidate", config=(
    "<config><configuration><system><host-name>ncclient-host</host-name></system>"
    "<vlans><vlan><name>v200</name><vlan-id>200</vlan-id></vlan></vlans></configuration></config>")))
step("validate(candidate)", lambda: m.validate(source="candidate"))
filtered = step("get_config(candidate, subtree filter)", lambda: m.get_config(
    source="candidate", filter=("subtree", "<configuration><system><host-name/></system></configuration>")))
step("filtered candidate", lambda: check("ncclient-host" in filtered.data_xml and "<vlans>" not in filtered.data_xml,
                                         "filter not applied: %r" % filtered.data_xml[:400]))
step("commit()", lambda: m.commit())
after = step("get_config(running) after commit", lambda: m.get_config(source="running"))
step("committed", lambda: check("ncclient-host" in after.data_xml and "v200" in after.data_xml,
                                "commit did not reach running: %r" % after.data_xml[:400]))


def invalid_refused():
    m.edit_config(target="candidate", config=(
        "<config><configuration><vlans><vlan><name>v200</name><vlan-id>9999</vlan-id></vlan></vlans>"
        "</configuration></config>"))
    try:
        m.validate(source="candidate")
    except RPCError as e:
        check("not within range" in str(e), "validate error without the reason: %s" % e)
        return
    raise AssertionError("validate accepted vlan-id 9999")


step("validate() refuses an invalid candidate", invalid_refused)
step("discard_changes()", lambda: m.discard_changes())
step("validate() after discard", lambda: m.validate(source="candidate"))
step("unlock(candidate)", lambda: m.unlock(target="candidate"))


def unknown_rpc():
    try:
        m.dispatch(to_ele("<get-frobnicator/>"))
    except RPCError as e:
        check("syntax error" in str(e), "unexpected error text: %s" % e)
        return
    raise AssertionError("an unknown RPC was accepted")


step("an unknown RPC is an RPCError", unknown_rpc)
step("close_session()", lambda: m.close_session())
print("RESULT passed=%d" % passed, flush=True)
