"""Reports: valid only when something ran and nothing failed."""

from __future__ import annotations

from insignia.core.report import Outcome, VerificationReport


def test_empty_report_is_not_valid() -> None:
    assert not VerificationReport(format="ob3-json").valid


def test_warnings_do_not_invalidate_but_failures_do() -> None:
    report = VerificationReport(format="ob3-json")
    report.add("context", Outcome.PASS, "ok")
    report.add("context", Outcome.WARNING, "old context")
    assert report.valid
    report.add("proof.signature", Outcome.FAIL, "bad", index=0)
    assert not report.valid
    assert [c.code for c in report.failures] == ["proof.signature"]
    assert report.outcome_of("context") is Outcome.PASS
    shape = report.to_dict()
    assert shape["valid"] is False
    assert shape["checks"][2] == {
        "code": "proof.signature",
        "outcome": "fail",
        "message": "bad",
        "detail": {"index": 0},
    }
