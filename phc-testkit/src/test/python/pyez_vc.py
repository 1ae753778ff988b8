#!/usr/bin/python3
"""Drives a simulated Junos VC with Juniper PyEZ (python3-junos-eznc) the way a network engineer would.

Usage: pyez_vc.py <json-arguments>
  {"host": "localhost", "port": 8830, "user": "phc", "password": "...", "members": 4, "primary": 2,
   "model": "EX4300-48P", "old_version": "20.4R3.8", "new_version": "21.4R3.15", "hostname": "vc-sim",
   "image": "/tmp/.../jinstall-ex-4300-21.4R3.15-signed.tgz", "reconnect_seconds": 60}

Each step prints "ok <call>" or "FAIL <call>: <why>" and the script exits 1 at the first failure. The last line
is "RESULT passed=<n>" on success.
"""
import json
import sys
import time
import traceback
import warnings

from jnpr.junos import Device
from jnpr.junos.exception import CommitError, ConfigLoadError, LockError
from jnpr.junos.utils.config import Config
from jnpr.junos.utils.sw import SW

warnings.simplefilter("ignore")
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


def open_device():
    dev = Device(host=args["host"], port=args["port"], user=args["user"], passwd=args["password"],
                 gather_facts=True)
    dev.open()
    return dev


members = ["fpc%d" % i for i in range(args["members"])]
dev = step("Device(...).open()", open_device)
facts = step("dev.facts", lambda: dict(dev.facts))
for name in ("current_re", "hostname", "model", "version", "junos_info", "personality", "2RE", "re_info",
             "master", "RE0", "RE1", "switch_style", "HOME", "ifd_style", "vc_capable", "vc_master"):
    step("facts[%r] is not None" % name, lambda n=name: check(facts.get(n) is not None, "%s is None" % n))


def facts_right():
    check(facts["model"] == args["model"], "model %r, expected %r" % (facts["model"], args["model"]))
    check(facts["personality"] == "SWITCH", "personality %r, expected SWITCH" % facts["personality"])
    check(facts["ifd_style"] == "SWITCH", "ifd_style %r, expected SWITCH" % facts["ifd_style"])
    check(facts["switch_style"] == "VLAN_L2NG", "switch_style %r, expected VLAN_L2NG" % facts["switch_style"])
    check(facts["2RE"] is True, "2RE %r, expected True (a VC with several members)" % facts["2RE"])
    check(facts["vc_capable"] is True, "vc_capable %r" % facts["vc_capable"])
    check(facts["vc_mode"] == "Enabled", "vc_mode %r" % facts["vc_mode"])
    check(facts["vc_master"] == str(args["primary"]), "vc_master %r, expected %r" % (facts["vc_master"], args["primary"]))
    check(facts["master"] == "RE%d" % args["primary"], "master %r, expected RE%d" % (facts["master"], args["primary"]))
    check("master" in facts["current_re"] and "fpc%d" % args["primary"] in facts["current_re"],
          "current_re %r should name master and fpc%d" % (facts["current_re"], args["primary"]))
    check(facts["hostname"] == args["hostname"], "hostname %r, expected %r" % (facts["hostname"], args["hostname"]))
    check(facts["version"] == args["old_version"], "version %r, expected %r" % (facts["version"], args["old_version"]))
    check(sorted(facts["junos_info"]) == members, "junos_info REs %r, expected %r" % (sorted(facts["junos_info"]), members))
    for re_name, info in facts["junos_info"].items():
        check(info["text"] == args["old_version"], "%s runs %r" % (re_name, info["text"]))
    check(facts["HOME"] == "/var/home/" + args["user"], "HOME %r" % facts["HOME"])
    states = {slot: i["mastership_state"] for slot, i in facts["re_info"]["default"].items() if slot != "default"}
    check(len(states) == args["members"], "re_info has %d REs, expected one per member: %r" % (len(states), states))
    check(states[str(args["primary"])] == "master", "re_info slot %d is %r" % (args["primary"], states[str(args["primary"])]))
    check(list(states.values()).count("backup") == 1, "one backup RE expected: %r" % states)
    check(facts["RE0"]["model"] == args["model"], "RE0 model %r" % facts["RE0"]["model"])


step("facts are right for an EX4300 VC", facts_right)

text = step("dev.cli('show version')", lambda: dev.cli("show version", warning=False))
step("cli text", lambda: check(isinstance(text, str) and "Junos: " + args["old_version"] in text and "fpc0:" in text,
                               "not the CLI text of show version: %r" % text[:300]))

cu = Config(dev)
step("Config.lock()", cu.lock)
step("Config.load(set)", lambda: cu.load("set system host-name pyez-set\nset vlans v100 vlan-id 100", format="set"))
step("Config.load(text)", lambda: cu.load("system {\n    location {\n        building \"lab 7\";\n    }\n}\n",
                                          format="text"))
step("Config.load(xml)", lambda: cu.load("<configuration><interfaces><interface><name>ge-0/0/5</name>"
                                         "<description>uplink</description></interface></interfaces></configuration>",
                                         format="xml"))
diff = step("Config.diff()", cu.diff)
step("diff names every change", lambda: check(diff and "+   host-name pyez-set;" in diff and "v100" in diff
                                              and "building \"lab 7\";" in diff and "description uplink;" in diff,
                                              "diff is %r" % diff))
step("Config.commit_check()", lambda: check(cu.commit_check() is True, "commit_check did not return True"))
step("Config.commit()", lambda: check(cu.commit(comment="pyez first") is True, "commit did not return True"))
step("Config.diff() after commit", lambda: check(cu.diff() is None, "diff after commit: %r" % cu.diff()))


def refused_bad_vlan():
    cu.load("set vlans v100 vlan-id 5000", format="set")
    try:
        cu.commit_check()
    except CommitError as e:
        check("not within range" in str(e), "CommitError without the reason: %s" % e)
        return
    raise AssertionError("commit_check accepted vlan-id 5000")


step("Config.commit_check() refuses a bad vlan-id", refused_bad_vlan)
step("Config.rollback(0) discards it", lambda: cu.rollback(0))


def refused_syntax():
    try:
        cu.load("system { host-name x; }}", format="text")
    except ConfigLoadError as e:
        check("syntax error" in str(e), "ConfigLoadError without the reason: %s" % e)
        return
    raise AssertionError("a syntax error was loaded")


step("Config.load() refuses a syntax error", refused_syntax)
step("Config.rollback(1)", lambda: cu.rollback(1))
rb = step("Config.diff() after rollback(1)", cu.diff)
step("rollback diff undoes the commit", lambda: check(rb and "-   host-name pyez-set;" in rb, "diff is %r" % rb))
step("Config.commit() of the rollback", lambda: check(cu.commit(comment="pyez rollback") is True, "commit failed"))
step("Config.unlock()", cu.unlock)


def second_lock_refused():
    other = open_device()
    try:
        Config(other).lock()
        cu.lock()
    except LockError:
        other.close()
        return
    other.close()
    raise AssertionError("two sessions held the exclusive lock")


step("a second session's lock is refused", second_lock_refused)
def exclusive_mode():
    with Config(dev, mode="exclusive") as cx:
        cx.load("set system location building lab-8", format="set")
        check("building lab-8" in (cx.diff() or ""), "diff in exclusive mode: %r" % cx.diff())
        cx.commit(comment="exclusive")


def private_mode():
    with Config(dev, mode="private") as cp:
        cp.load("delete system location", format="set")
        check("-   location {" in (cp.diff() or ""), "diff in private mode: %r" % cp.diff())
        cp.commit(comment="private")


step("Config(dev, mode='exclusive')", exclusive_mode)
step("Config(dev, mode='private')", private_mode)
step("dev.facts_refresh()", dev.facts_refresh)
step("hostname back after rollback", lambda: check(dev.facts["hostname"] == args["hostname"],
                                                   "hostname %r" % dev.facts["hostname"]))

sw = SW(dev)
installed = step("SW.install(image) on every member",
                 lambda: sw.install(package=args["image"], progress=True, cleanfs=True, timeout=120))
step("SW.install returned True", lambda: check(installed is True, "install returned %r" % installed))
step("SW.reboot()", lambda: check("Shutdown NOW" in (sw.reboot() or ""), "no reboot status"))
try:
    dev.close()
except Exception:  # noqa: BLE001 - the device already went away
    pass


def reconnect():
    deadline = time.time() + args["reconnect_seconds"]
    last = None
    while time.time() < deadline:
        try:
            d = open_device()
            if d.facts["junos_info"] and len(d.facts["junos_info"]) == args["members"]:
                return d
            last = "only %r are up" % sorted(d.facts["junos_info"] or [])
            d.close()
        except Exception as e:  # noqa: BLE001 - the VC is still rebooting
            last = "%s: %s" % (type(e).__name__, e)
        time.sleep(0.5)
    raise AssertionError("no session with every member up within %ss: %s" % (args["reconnect_seconds"], last))


dev = step("reconnect after the reboot", reconnect)


def new_version_everywhere():
    info = {k: v["text"] for k, v in dev.facts["junos_info"].items()}
    check(info == {m: args["new_version"] for m in members}, "members run %r" % info)
    check(dev.facts["version"] == args["new_version"], "version fact %r" % dev.facts["version"])


step("every member on the new version", new_version_everywhere)
dev.close()
print("RESULT passed=%d" % passed, flush=True)
