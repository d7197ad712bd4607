"""The API contract as a client programmer meets it.

Fetches the OpenAPI document of a running Homeward, validates it as OpenAPI 3.1
(openapi-spec-validator), generates a Python client from it (openapi-python-client), checks that
every operation became a function of the client, then uses the client: signs in with a password,
registers a case and records a survey, which must come back scored.

Usage: api_client.py BASE_URL USERNAME PASSWORD ANSWERS_JSON
Prints one JSON object with what it saw; exits non-zero on any failure.
"""

import importlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from openapi_spec_validator import validate


def plain(value) -> str:
    """An enum of the generated client, or a string, as the string the API sent."""
    return str(getattr(value, "value", value))


def main() -> None:
    base_url, username, password, answers = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    with urllib.request.urlopen(f"{base_url}/api/v1/openapi.json") as response:
        document = json.load(response)
    validate(document)  # raises on any departure from OpenAPI 3.1

    operations = {
        op["operationId"]: (method, path)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "patch")
    }

    work = Path(tempfile.mkdtemp())
    spec = work / "openapi.json"
    spec.write_text(json.dumps(document))
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    generated = subprocess.run(
        ["openapi-python-client", "generate", "--path", str(spec), "--output-path", str(work / "homeward_client"),
         "--meta", "none"],
        capture_output=True, text=True, env=env, cwd=work,
    )
    if generated.returncode != 0 or "Warning" in generated.stdout + generated.stderr:
        sys.exit(f"openapi-python-client:\n{generated.stdout}\n{generated.stderr}")
    functions = {p.stem for p in (work / "homeward_client" / "api").rglob("*.py") if p.name != "__init__.py"}
    lost = sorted(set(operations) - functions)
    if lost:
        sys.exit(f"operations lost in generation: {lost}")

    sys.path.insert(0, str(work))
    client_package = importlib.import_module("homeward_client")
    models = importlib.import_module("homeward_client.models")
    sign_in = importlib.import_module("homeward_client.api.session.sign_in")
    register_case = importlib.import_module("homeward_client.api.cases.register_case")
    record_survey = importlib.import_module("homeward_client.api.surveys.record_survey")

    anonymous = client_package.Client(base_url=base_url, raise_on_unexpected_status=True)
    session = sign_in.sync(client=anonymous, body=models.Credentials(username=username, password=password))
    if not isinstance(session, models.SessionView) or not session.token:
        sys.exit(f"sign-in answered {session!r}")
    client = client_package.AuthenticatedClient(base_url=base_url, token=session.token, raise_on_unexpected_status=True)

    registration = models.Registration.from_dict({
        "given_name": "Client", "family_name": "Generated", "sex": "female", "date_of_birth": "1992-03-04",
        "date_of_return": "2026-02-01", "country_of_origin": "SN", "office": "dakar",
    })
    case = register_case.sync(client=client, body=registration)
    if not isinstance(case, models.CaseView):
        sys.exit(f"registration answered {case!r}")

    request = models.SurveyRequest.from_dict({
        "phase": "baseline", "date": "2026-02-10", "consent": "yes", "answers": answers,
    })
    survey = record_survey.sync(client=client, id=case.id, body=request)
    if not isinstance(survey, models.SurveyView):
        sys.exit(f"recording the survey answered {survey!r}")

    print(json.dumps({
        "openapi": document["openapi"],
        "operations": len(operations),
        "generated": len(functions),
        "signed_in_as": session.username,
        "case_number": case.case_number,
        "case_status": plain(case.status),
        "survey_status": plain(survey.status),
        "composite": survey.composite,
        "profile": survey.profile,
    }))


if __name__ == "__main__":
    main()
