#!/usr/bin/env python3
"""Compare the XForm Homeward writes with what pyxform makes of the same XLSForm, and validate
Homeward's with ODK Validate (JavaRosa), for the Rust tests to assert on.

Usage: xform_compare.py FORM.xlsx FORM.xml
Prints {"validate_error": null | "...", "pyxform": SUMMARY, "homeward": SUMMARY}, a SUMMARY
being the form's id and version, its instance's node paths, its binds (attributes with spaces
collapsed), its body's controls, its choice lists and its texts per language.
"""
import json
import sys
import xml.etree.ElementTree as ET

from pyxform.validators.odk_validate import check_xform
from pyxform.xls2xform import convert

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
NAMESPACES = {
    "{http://openrosa.org/javarosa}": "jr:",
    "{http://www.opendatakit.org/xforms}": "odk:",
}


def short(name):
    for uri, prefix in NAMESPACES.items():
        name = name.replace(uri, prefix)
    return name.replace(XF, "").replace(H, "h:")


def collapse(text):
    return " ".join((text or "").split())


def paths(node, prefix):
    here = f"{prefix}/{short(node.tag)}"
    out = [here]
    for child in node:
        out += paths(child, here)
    return out


def summary(xml):
    root = ET.fromstring(xml)
    model = root.find(f".//{XF}model")
    instances = model.findall(f"{XF}instance")
    primary = instances[0][0]
    binds = {
        b.get("nodeset"): {short(k): collapse(v) for k, v in sorted(b.attrib.items()) if k != "nodeset"}
        for b in model.findall(f"{XF}bind")
    }
    controls = []
    for element in root.find(f"{H}body").iter():
        tag = short(element.tag)
        if tag in ("group", "input", "select1", "select"):
            label = element.find(f"{XF}label")
            hint = element.find(f"{XF}hint")
            itemset = element.find(f"{XF}itemset")
            controls.append([tag, element.get("ref"), label.get("ref") if label is not None else None,
                             hint.get("ref") if hint is not None else None,
                             itemset.get("nodeset") if itemset is not None else None])
    lists = {
        i.get("id"): [[getattr(item.find(f"{XF}itextId"), "text", None), item.find(f"{XF}name").text, getattr(item.find(f"{XF}label"), "text", None)] for item in i[0]]
        for i in instances[1:]
    }
    texts = {
        t.get("lang"): {x.get("id"): x.find(f"{XF}value").text for x in t.findall(f"{XF}text")}
        for t in model.find(f"{XF}itext").findall(f"{XF}translation")
    }
    defaults = [t.get("lang") for t in model.find(f"{XF}itext").findall(f"{XF}translation") if t.get("default")]
    return {
        "title": root.find(f"{H}head/{H}title").text,
        "id": primary.get("id"),
        "version": primary.get("version"),
        "nodes": paths(primary, ""),
        "binds": binds,
        "controls": controls,
        "lists": lists,
        "texts": texts,
        "default_language": defaults,
    }


def main(xlsform, xform):
    theirs = convert(xlsform=xlsform, validate=False).xform
    with open(xform, encoding="utf-8") as f:
        ours = f.read()
    report = {"validate_error": None}
    try:
        check_xform(xform)
    except Exception as e:  # ODK Validate reports problems as exceptions
        report["validate_error"] = f"{type(e).__name__}: {e}"
    report["pyxform"] = summary(theirs)
    report["homeward"] = summary(ours)
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
