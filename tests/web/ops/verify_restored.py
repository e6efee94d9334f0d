"""Run in a separate process against a restored database: verify every credential with the
engine (status lists and DID documents read from the restored rows) and print a JSON report."""

from __future__ import annotations

import hashlib
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insignia.web.settings_test")
django.setup()

from insignia.web.awards.models import Credential  # noqa: E402
from insignia.web.awards.verification import credential_verify  # noqa: E402
from insignia.web.earning import files  # noqa: E402
from insignia.web.earning.models import EvidenceItem  # noqa: E402

report = {
    "credentials": {
        str(c.pk): {
            "valid": (v := credential_verify(credential=c)).valid,
            "checks": {check.code: check.outcome.value for check in v.report.checks},
        }
        for c in Credential.objects.all()
    },
    "evidence": {},
}
for item in EvidenceItem.objects.exclude(file_path=""):
    with files.open_evidence_file(item.file_path) as handle:
        report["evidence"][item.file_path] = hashlib.sha256(handle.read()).hexdigest()
print(json.dumps(report))
