# SPDX-License-Identifier: GPL-3.0-or-later
"""contrib/icinga2/director-basket.json against contrib/icinga2/prioticket.conf
and the plugins' --help, without Director (test_director.py restores it
into a real one): every prioticket_* variable of the CheckCommands has a
data field and every data field a variable, with a type that fits how the
command passes it, and the basket keeps the rules that make a restore
idempotent. contrib/README.md says how to add a field."""

import json
import re
import subprocess

import pytest

from engine_harness import CONTRIB, PLUGINS

CONF = CONTRIB / "icinga2" / "prioticket.conf"
BASKET = CONTRIB / "icinga2" / "director-basket.json"
DT = "Icinga\\Module\\Director\\DataType\\DataType"
STRING, NUMBER, BOOLEAN, DATALIST, ARRAY = (DT + t for t in (
    "String", "Number", "Boolean", "Datalist", "Array"))
COMMANDS = ("prioticket-ping", "prioticket-status")
# Options whose value the plugin takes as an integer only: the only ones
# that may be Director Numbers (Director's Number type takes integers, and
# e.g. --timeout 2.5 is valid).
INTEGER_OPTIONS = {"prioticket_port"}


def load_basket():
    # object_pairs_hook: a duplicate key would silently win in json.load.
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        dups = {k for k in keys if keys.count(k) > 1}
        assert not dups, "duplicate keys in the basket: %s" % sorted(dups)
        return dict(pairs)
    return json.loads(BASKET.read_text(), object_pairs_hook=no_duplicates)


def conf_arguments():
    """{variable: {"option": ..., "set_if": bool, "repeat": bool, "env":
    ENVVAR or None}} from the shipped CheckCommand template."""
    text = CONF.read_text()
    body = text[text.index('template CheckCommand "prioticket-common"'):]
    args = {}
    for m in re.finditer(r'"(--[a-z0-9-]+)" = \{(.*?)\n\t\t\}', body, re.S):
        option, block = m.group(1), m.group(2)
        names = set(re.findall(r"\$(prioticket_[a-z0-9_]+)\$", block))
        assert len(names) == 1, (option, names)
        name = names.pop()
        args[name] = {"option": option,
                      "set_if": re.search(r'set_if = "\$', block) is not None,
                      "repeat": "repeat_key = true" in block, "env": None}
    env = body[body.index("env = {"):]
    env = env[:env.index("}")]
    for var, name in re.findall(r'"([A-Z_]+)" = "\$(prioticket_[a-z0-9_]+)\$"',
                                env):
        args[name] = {"option": None, "set_if": False, "repeat": False,
                      "env": var}
    return args


@pytest.fixture(scope="module")
def basket():
    return load_basket()


@pytest.fixture(scope="module")
def fields(basket):
    return {f["varname"]: f for f in basket["Datafield"].values()}


@pytest.fixture(scope="module")
def helps(plugin_dir):
    out = {}
    for plugin in PLUGINS:
        res = subprocess.run([str(plugin_dir / plugin), "--help"],
                             capture_output=True, text=True, timeout=30,
                             check=False)
        # Monitoring plugins leave --help with UNKNOWN (3).
        assert res.returncode in (0, 3) and "Usage:" in res.stdout, res
        out[plugin] = res.stdout
    return out


def test_every_variable_has_a_field_and_every_field_a_variable(fields):
    variables = set(conf_arguments())
    # The header comment of prioticket.conf lists the variables too.
    listed = set(re.findall(r"^ \*   (prioticket_[a-z0-9_]+) ",
                            CONF.read_text(), re.M))
    assert variables == listed, (variables ^ listed)
    assert set(fields) == variables, (
        "only in prioticket.conf: %s; only in the basket: %s"
        % (sorted(variables - set(fields)), sorted(set(fields) - variables)))


def test_field_types_fit_the_command(fields, basket):
    for name, arg in conf_arguments().items():
        f = fields[name]
        dt = f["datatype"]
        if arg["set_if"]:
            assert dt == BOOLEAN, (name, dt)
        elif arg["repeat"]:
            assert dt == ARRAY, (name, dt)
        elif arg["env"]:
            # A secret: passed in the environment by the shipped command;
            # Director's form masks it.
            assert dt == STRING, (name, dt)
            assert f["settings"] == {"visibility": "hidden"}, name
            assert arg["env"] in f["description"], (name, f["description"])
        else:
            assert dt in (STRING, NUMBER, DATALIST), (name, dt)
        if dt == NUMBER:
            assert name in INTEGER_OPTIONS, (
                "%s: Director's Number type takes integers only" % name)
        if dt == STRING and not arg["env"]:
            assert f["settings"] == {"visibility": "visible"}, name
        if dt in (BOOLEAN, NUMBER, ARRAY):
            assert f["settings"] == {}, name
        if dt == DATALIST:
            s = f["settings"]
            assert s["datalist"] in basket["DataList"], name
            assert s["behavior"] == "strict" and s["data_type"] == "string"


def test_descriptions_come_from_help(fields, helps):
    """Each description names the option (as --help prints it) and is
    non-empty: Director stores an empty one as NULL, which makes every
    restore add a duplicate field."""
    args = conf_arguments()
    for name, f in fields.items():
        assert f["description"] and f["description"].strip(), name
        assert f["caption"] and f["caption"].strip(), name
        arg = args[name]
        if arg["option"]:
            assert f["description"].startswith(arg["option"] + ": "), name
            for plugin, text in helps.items():
                assert arg["option"] in text, (plugin, arg["option"])
        else:
            for plugin, text in helps.items():
                assert arg["env"] in text, (plugin, arg["env"])
    captions = [f["caption"] for f in fields.values()]
    assert len(set(captions)) == len(captions)


def test_datafield_keys_are_the_ids_the_objects_use(basket):
    """A basket's Datafield map is keyed by datafield_id (integers), and
    objects link fields by that id."""
    datafields = basket["Datafield"]
    for key, f in datafields.items():
        assert re.fullmatch(r"[1-9][0-9]*", key), key
        assert f["originalId"] == key, (key, f["originalId"])
        # One category: Director groups the fields under it in its forms.
        assert f["category"] in basket["DatafieldCategory"], key
        assert f["format"] is None, key
    ids = {int(k) for k in datafields}
    for kind in ("ExternalCommand", "HostTemplate", "ServiceTemplate"):
        for name, obj in basket[kind].items():
            assert obj["object_name"] == name
            used = [link["datafield_id"] for link in obj["fields"]]
            assert all(isinstance(i, int) for i in used), (name, used)
            assert len(used) == len(set(used)), name
            assert set(used) <= ids, (name, set(used) - ids)
            for link in obj["fields"]:
                assert link == {"datafield_id": link["datafield_id"],
                                "is_required": "n", "var_filter": None}


def test_commands_are_the_shipped_ones_with_every_field(basket):
    """The commands are references to the CheckCommands of prioticket.conf
    (external objects, which keep its env handling), carrying every field;
    the service templates run them."""
    text = CONF.read_text()
    shipped = set(re.findall(r'^object CheckCommand "([^"]+)"', text, re.M))
    assert set(basket["ExternalCommand"]) == shipped == set(COMMANDS)
    ids = sorted(int(k) for k in basket["Datafield"])
    for name, cmd in basket["ExternalCommand"].items():
        assert cmd["object_type"] == "external_object"
        assert cmd["methods_execute"] == "PluginCheck"
        # Arguments, command and env come from the static config through
        # the kickstart; the basket must not override them.
        assert set(cmd) == {"object_name", "object_type", "methods_execute",
                            "fields"}, name
        assert sorted(f["datafield_id"] for f in cmd["fields"]) == ids, name
    assert set(basket["ServiceTemplate"]) == set(COMMANDS)
    for name, tpl in basket["ServiceTemplate"].items():
        assert tpl["object_type"] == "template"
        assert tpl["check_command"] == name
    # The host template offers the secrets as file paths only: Director's
    # hidden fields only mask the form (the commands still carry them).
    hidden = {int(k) for k, f in basket["Datafield"].items()
              if f["settings"].get("visibility") == "hidden"}
    assert len(hidden) == 2
    for tpl in basket["HostTemplate"].values():
        assert not hidden & {f["datafield_id"] for f in tpl["fields"]}, tpl
    # No secret (or any prioticket value) is preset in a template.
    for kind in ("HostTemplate", "ServiceTemplate"):
        for tpl in basket[kind].values():
            assert not any(k.startswith("prioticket_")
                           for k in tpl.get("vars", {})), tpl


def test_basket_object_lists_everything(basket):
    """The Basket entry makes `icingacli director basket dump --name
    check_prioticket` (and the web UI's basket) cover all objects."""
    chosen = basket["Basket"]["check_prioticket"]["objects"]
    for kind, objects in basket.items():
        if kind in ("Datafield", "DatafieldCategory", "Basket"):
            continue
        assert sorted(chosen[kind]) == sorted(objects), kind
    # Director adds the fields and their category to a basket by itself.
    assert set(chosen) == set(basket) - {"Datafield", "DatafieldCategory",
                                         "Basket"}


def plugin_accepts(plugin_dir, option, value):
    """Whether the plugin takes `option=value` (a rejected value is
    UNKNOWN with the option's name; an accepted one goes on to connect to
    a closed loopback port)."""
    res = subprocess.run([str(plugin_dir / PLUGINS[0]),
                          "--base-url=http://127.0.0.1:1/v3.8/distributor",
                          "--timeout=5", "%s=%s" % (option, value)],
                         capture_output=True, text=True, timeout=30,
                         check=False)
    rejected = res.returncode == 3 and option in res.stdout.split("\n")[0]
    return not rejected


@pytest.mark.parametrize("variable", ["prioticket_environment",
                                      "prioticket_timeout_result"])
def test_datalist_entries_are_what_the_plugin_accepts(fields, basket,
                                                      plugin_dir, variable):
    option = conf_arguments()[variable]["option"]
    lst = basket["DataList"][fields[variable]["settings"]["datalist"]]
    names = [e["entry_name"] for e in lst["entries"]]
    assert names == sorted(names) and names
    for e in lst["entries"]:
        assert e["entry_value"] and e["format"] == "string", e
        assert plugin_accepts(plugin_dir, option, e["entry_name"]), e
    assert not plugin_accepts(plugin_dir, option, "no-such-value")
