#!/usr/bin/env python3
"""Convert an XLSForm with the real pyxform, validate it with ODK Validate (JavaRosa), and print
what the form says as JSON, for the Rust tests to assert on.

Usage: xlsform_check.py FORM.xlsx
Prints {"warnings": [...], "error": null | "...", "form_id", "version", "languages",
        "binds": {name: {attr: value}}, "choices": {question: [names]},
        "choice_files": {question: src}, "translations": {lang: n}}
"""
import json
import sys
import xml.etree.ElementTree as ET

from pyxform.xls2xform import convert

XF = "{http://www.w3.org/2002/xforms}"
JR = "{http://openrosa.org/javarosa}"


def main(path):
    warnings = []
    report = {"warnings": warnings, "error": None}
    try:
        result = convert(xlsform=path, warnings=warnings, validate=True)
    except Exception as e:  # pyxform and ODK Validate report problems as exceptions
        report["error"] = f"{type(e).__name__}: {e}"
        print(json.dumps(report))
        return
    root = ET.fromstring(result.xform)
    model = root.find(f".//{XF}model")
    instance = model.find(f"{XF}instance")[0]
    report["form_id"] = instance.get("id")
    report["version"] = instance.get("version")
    itext = model.find(f"{XF}itext")
    report["languages"] = [t.get("lang") for t in itext.findall(f"{XF}translation")]
    report["translations"] = {t.get("lang"): len(t.findall(f"{XF}text")) for t in itext.findall(f"{XF}translation")}
    report["binds"] = {
        b.get("nodeset").split("/")[-1]: {k.replace(JR, "jr:"): v for k, v in b.attrib.items() if k != "nodeset"}
        for b in model.findall(f"{XF}bind")
    }
    choices = {}
    choice_files = {}
    for tag in ("select1", "select"):
        for control in root.iter(f"{XF}{tag}"):
            name = control.get("ref").split("/")[-1]
            items = [item.find(f"{XF}value").text for item in control.findall(f"{XF}item")]
            if not items:  # choices in a secondary instance
                nodeset = control.find(f"{XF}itemset").get("nodeset")
                list_name = nodeset.split("'")[1] if "'" in nodeset else nodeset.split("(")[1].split(")")[0]
                inst = model.find(f"{XF}instance[@id='{list_name}']")
                if inst.get("src"):  # an attached file: its items come with the form's media
                    choice_files[name] = inst.get("src")
                    continue
                items = [item.find(f"{XF}name").text for item in inst[0]]
            choices[name] = items
    report["choices"] = choices
    report["choice_files"] = choice_files
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
