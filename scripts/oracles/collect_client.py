#!/usr/bin/env python3
"""Replay ODK Collect's OpenRosa exchange with a live Homeward server, with the standard library
only, as Collect does it: ask whether to sign in, list the forms, download the XForm (checking
its hash), fill its instance, ask before sending, send it as multipart with an attachment, send
it again as after an interrupted send, then a changed resubmission, a wrong case number, a user
whose role takes no surveys and a wrong password. Prints what each step got, as JSON.

Usage: collect_client.py URL USER PASSWORD CASE_NUMBER ANSWERS_JSON OTHER_USER OTHER_PASSWORD
"""
import base64
import hashlib
import json
import sys
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET

XF = "{http://www.w3.org/2002/xforms}"
LIST = "{http://openrosa.org/xforms/xformsList}"
RESPONSE = "{http://openrosa.org/http/response}"


def call(method, url, user=None, password=None, body=None, content_type=None):
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("X-OpenRosa-Version", "1.0")
    if user is not None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def message(body):
    try:
        node = ET.fromstring(body).find(f"{RESPONSE}message")
    except ET.ParseError:
        node = None
    if node is None:
        return {"nature": None, "text": body.decode(errors="replace")[:300]}
    return {"nature": node.get("nature"), "text": node.text}


def multipart(instance, attachment=True):
    boundary = uuid.uuid4().hex
    parts = [("xml_submission_file", "submission.xml", "text/xml", instance)]
    if attachment:
        parts.append(("photo.jpg", "photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 not really a photo"))
    body = b""
    for name, filename, kind, content in parts:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                 f"Content-Type: {kind}\r\n\r\n").encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def fill(xform, case_number, answers, instance_id, q1=None):
    """The form's primary instance with the case, the round, consent and the answers filled in."""
    root = ET.fromstring(xform)
    data = root.find(f".//{XF}model/{XF}instance")[0]
    values = dict(answers)
    if q1:
        values["Q1"] = q1
    values.update({"case_id": case_number, "round": "baseline", "consent": "yes",
                   "interview_date": "2026-03-02", "interview_location": "office",
                   "start": "2026-03-02T09:00:00.000+00:00", "end": "2026-03-02T09:40:00.000+00:00",
                   "deviceid": "collect:test-device", "instanceID": instance_id})
    for node in data.iter():
        name = node.tag.replace(XF, "")
        if name in values and len(node) == 0:
            node.text = values[name]
    ET.register_namespace("", "http://www.w3.org/2002/xforms")
    return ET.tostring(data, encoding="utf-8")


def main(url, user, password, case_number, answers, other_user, other_password):
    answers = json.loads(answers)
    seen = {}
    status, headers, _ = call("HEAD", f"{url}/openrosa/submission")
    seen["head_anonymous"] = {"status": status, "www_authenticate": headers.get("WWW-Authenticate"),
                              "openrosa_version": headers.get("X-OpenRosa-Version")}
    status, headers, body = call("GET", f"{url}/openrosa/formList", user, password)
    forms = ET.fromstring(body).findall(f"{LIST}xform")
    form = forms[0]
    download = form.find(f"{LIST}downloadUrl").text
    seen["form_list"] = {"status": status, "openrosa_version": headers.get("X-OpenRosa-Version"),
                         "forms": len(forms), "form_id": form.find(f"{LIST}formID").text,
                         "version": form.find(f"{LIST}version").text, "download_url": download}
    status, headers, xform = call("GET", download, user, password)
    listed = form.find(f"{LIST}hash").text
    seen["form"] = {"status": status, "hash_matches": listed == "md5:" + hashlib.md5(xform).hexdigest()}
    status, headers, _ = call("HEAD", f"{url}/openrosa/submission", user, password)
    seen["head"] = {"status": status, "accept_length": headers.get("X-OpenRosa-Accept-Content-Length")}

    instance_id = f"uuid:{uuid.uuid4()}"
    instance = fill(xform, case_number, answers, instance_id)
    sends = {}
    for step, (xml, attach) in {
        "submit": (instance, True),
        "resubmit_after_interruption": (instance, False),
        "changed_resubmission": (fill(xform, case_number, answers, instance_id, q1="ok"), False),
        "unknown_case": (fill(xform, "HW-1999-999999", answers, f"uuid:{uuid.uuid4()}"), False),
    }.items():
        body, kind = multipart(xml, attach)
        status, headers, reply = call("POST", f"{url}/openrosa/submission", user, password, body, kind)
        sends[step] = {"status": status, "openrosa_version": headers.get("X-OpenRosa-Version"), **message(reply)}
    seen["sends"] = sends
    status, _, reply = call("GET", f"{url}/openrosa/formList", other_user, other_password)
    seen["other_role"] = {"status": status, **message(reply)}
    status, headers, _ = call("GET", f"{url}/openrosa/formList", user, password + "x")
    seen["wrong_password"] = {"status": status, "www_authenticate": headers.get("WWW-Authenticate")}
    seen["instance_id"] = instance_id
    print(json.dumps(seen))


if __name__ == "__main__":
    main(*sys.argv[1:8])
