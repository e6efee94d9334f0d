"""The earning pages over HTTP: applying with files, the learner's dashboard, reviewing,
the designer's forms, downloads, and the structural accessibility of every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insignia.web.earning import services
from insignia.web.earning.forms import field_name
from insignia.web.earning.models import AccessPolicy, Application, EvidenceItem, Rubric
from insignia.web.wallet.services import wallet_set_visibility
from tests.web.earning.conftest import decide, file, pdf_bytes, start
from tests.web.test_accessibility import audit


def requirement_fields(application: Application) -> dict[str, object]:
    by_prompt = {
        r.prompt: field_name(r.pk) for r in application.version.evidence_requirements.all()
    }
    return {
        by_prompt[
            "Reflect on what you learned"
        ]: "I learned to test data pipelines before trusting them.",
        by_prompt["Link to your notebook"]: "notebooks.example/lee",
        by_prompt["Your analysis report"]: file(pdf_bytes(), "../report.pdf"),
        by_prompt["This is my own work"]: "on",
    }


@pytest.fixture
def started(assessed, learner):
    return services.application_start(learner=learner, achievement_id=assessed.pk)


def test_the_public_badge_page_offers_apply_and_shows_the_rubric(assessed, client) -> None:
    html = client.get(reverse("public:achievement", args=[assessed.pk])).content.decode()
    assert reverse("earning:apply", args=[assessed.pk]) in html
    assert "How it is judged: Practical assessment" in html and "Must pass" in html
    assert "Your analysis report" in html


def test_the_apply_page_starts_an_application(assessed, learner, client_for) -> None:
    client = client_for(learner)
    page = client.get(reverse("earning:apply", args=[assessed.pk]))
    assert page.status_code == 200 and b"What you will provide" in page.content
    response = client.post(reverse("earning:apply", args=[assessed.pk]), {})
    application = Application.objects.get()
    assert response["Location"] == reverse("earning:application", args=[application.pk])
    # Coming back to "apply" leads to the existing application.
    again = client.get(reverse("earning:apply", args=[assessed.pk]))
    assert again["Location"] == reverse("earning:application", args=[application.pk])


def test_invite_code_errors_show_on_the_form(assessed, staff, learner, client_for) -> None:
    services.access_policy_set(
        actor=staff["designer"], achievement_id=assessed.pk, mode=AccessPolicy.Mode.CODE
    )
    response = client_for(learner).post(
        reverse("earning:apply", args=[assessed.pk]), {"code": "NOPE"}
    )
    assert response.status_code == 200
    assert "That invite code is not valid for this badge." in response.content.decode()


def test_save_then_submit_with_a_file(started, learner, client_for, evidence_dir) -> None:
    client = client_for(learner)
    url = reverse("earning:application", args=[started.pk])
    response = client.post(url, {"row_version": 1, "action": "save", **requirement_fields(started)})
    assert response.status_code == 302
    item = EvidenceItem.objects.get(requirement__kind="file")
    assert item.file_name == "report.pdf" and (evidence_dir / item.file_path).exists()
    assert EvidenceItem.objects.get(requirement__kind="url").url == "https://notebooks.example/lee"
    page = client.get(url).content.decode()
    assert "Current file:" in page and "report.pdf" in page
    response = client.post(
        url,
        {
            "row_version": 2,
            "action": "submit",
            **{k: v for k, v in requirement_fields(started).items() if not hasattr(v, "read")},
        },
    )
    started.refresh_from_db()
    assert started.state == Application.State.SUBMITTED
    assert item.file_path == EvidenceItem.objects.get(requirement__kind="file").file_path  # kept
    page = client.get(url).content.decode()
    assert "It is waiting for an assessor" in page
    # The same form posted again is a double submit: detected, nothing changes.
    response = client.post(url, {"row_version": 2, "action": "submit"}, follow=True)
    assert "This application has already been submitted." in response.content.decode()
    assert started.events.filter(kind="submitted").count() == 1


def test_an_incomplete_submit_saves_and_points_at_each_item(started, learner, client_for) -> None:
    client = client_for(learner)
    url = reverse("earning:application", args=[started.pk])
    fields = requirement_fields(started)
    reflection = next(
        k for k, v in fields.items() if isinstance(v, str) and v.startswith("I learned")
    )
    response = client.post(
        url, {"row_version": 1, "action": "submit", reflection: "Short."}, follow=True
    )
    html = response.content.decode()
    assert "Saved, but not submitted" in html
    assert "Write at least 40 characters (6 so far)." in html
    assert "Upload the file." in html and "Confirm this statement." in html
    started.refresh_from_db()
    assert started.state == "draft" and started.row_version == 2


def test_a_refused_file_is_shown_under_its_field(started, learner, client_for) -> None:
    fields = requirement_fields(started)
    name = next(k for k, v in fields.items() if hasattr(v, "read"))
    response = client_for(learner).post(
        reverse("earning:application", args=[started.pk]),
        {"row_version": 1, "action": "save", name: file(b"MZ\x90\x00binary", "cv.pdf")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The file&#x27;s content is not one" in html or "The file's content is not one" in html
    assert not EvidenceItem.objects.exists()


def test_file_downloads_are_attachments_with_safe_headers(submitted, learner, client_for) -> None:
    item = EvidenceItem.objects.get(application=submitted, requirement__kind="file")
    response = client_for(learner).get(reverse("earning:evidence", args=[item.pk]))
    body = b"".join(response.streaming_content)
    assert body == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_text_evidence_is_escaped(assessed, learner, client_for) -> None:
    from tests.web.earning.conftest import fill

    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(
        application,
        learner,
        **{
            "Reflect on what you learned": services.AnswerData(
                text="<script>alert(1)</script> " * 3
            )
        },
    )
    item = EvidenceItem.objects.get(requirement__prompt="Reflect on what you learned")
    html = client_for(learner).get(reverse("earning:evidence", args=[item.pk])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


def test_reviewing_over_http(submitted, staff, learner, client_for) -> None:
    client = client_for(staff["assessor"])
    url = reverse("earning:review", args=[submitted.pk])
    page = client.get(url).content.decode()
    assert "Start the review" in page and "Reflect on what you learned" in page
    client.post(
        reverse("earning:review_start", args=[submitted.pk]), {"row_version": submitted.row_version}
    )
    submitted.refresh_from_db()
    page = client.get(url)
    assert page.status_code == 200 and "Record decision" in page.content.decode()
    form = page.context["form"]
    data = {
        "revision": 1,
        "row_version": submitted.row_version,
        "decision": "approve",
        "feedback": "",
    }
    for criterion, level, _ in form.criterion_fields():
        data[level.html_name] = str(criterion.levels.all()[2].pk)
        data[f"{level.html_name}_feedback"] = "Solid."
    # A stale page (someone else acted meanwhile) is refused with a clear message.
    stale = client.post(url, {**data, "row_version": submitted.row_version - 1}, follow=True)
    assert "changed since you opened the page" in stale.content.decode()
    old_revision = client.post(url, {**data, "revision": 2}, follow=True)
    assert "has submitted revision 1 since you opened this page" in old_revision.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "approved"
    # The learner's page shows the outcome and the per-criterion feedback, not the assessor.
    learner_page = (
        client_for(learner)
        .get(reverse("earning:application", args=[submitted.pk]))
        .content.decode()
    )
    assert "Approved." in learner_page and "Solid." in learner_page
    assert staff["assessor"].name not in learner_page
    assert reverse("wallet:detail", args=[submitted.credential_id]) in learner_page


def test_an_inconsistent_decision_rerenders_with_the_error(submitted, staff, client_for) -> None:
    start(submitted, staff["assessor"])
    submitted.refresh_from_db()
    response = client_for(staff["assessor"]).post(
        reverse("earning:review", args=[submitted.pk]),
        {"revision": 1, "row_version": submitted.row_version, "decision": "approve"},
    )
    assert response.status_code == 200
    assert "Score every criterion before approving." in response.content.decode()


def test_the_designer_defines_requirements_and_rubric(draft, staff, client_for) -> None:
    data = {
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
        "items-0-prompt": "Upload your slides",
        "items-0-kind": "file",
        "items-0-required": "on",
        "items-0-file_types": ["pdf", "png"],
        "items-0-max_mb": "5",
        "items-1-prompt": "",
        "items-1-kind": "text",
        "has_rubric": "on",
        "kind": "points",
        "name": "Talk rubric",
        "pass_mark": "3",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-name": "Structure",
        "criteria-0-must_reach": "1",
        "criteria-0-level_0_name": "Weak",
        "criteria-0-level_0_points": "0",
        "criteria-0-level_1_name": "Clear",
        "criteria-0-level_1_points": "2",
        "criteria-0-level_2_name": "Compelling",
        "criteria-0-level_2_points": "3",
        "criteria-1-name": "",
    }
    client = client_for(staff["designer"])
    response = client.post(reverse("earning:assessment", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    version = draft.versions.get()
    [requirement] = version.evidence_requirements.all()
    assert requirement.file_types == ["pdf", "png"] and requirement.max_bytes == 5 * 1_048_576
    rubric = Rubric.objects.get(version=version)
    [criterion] = rubric.criteria.all()
    assert [lv.name for lv in criterion.levels.all()] == ["Weak", "Clear", "Compelling"]
    assert criterion.required_level.name == "Clear" and rubric.pass_mark == 3
    # Reopening the form shows what was saved.
    page = client.get(reverse("earning:assessment", args=[draft.pk])).content.decode()
    assert 'value="Upload your slides"' in page and 'value="Compelling"' in page
    # A pass mark above the maximum is refused on the form.
    # (posted as the reopened page renders it: the saved rows are initial forms)
    reopened = {**data, "items-INITIAL_FORMS": "1", "criteria-INITIAL_FORMS": "1"}
    bad = client.post(
        reverse("earning:assessment", args=[draft.pk]), {**reopened, "pass_mark": "9"}
    )
    assert bad.status_code == 200 and "between 1 and 3" in bad.content.decode()


def test_the_access_page_opens_a_badge_and_manages_codes_and_lists(
    assessed, staff, client_for
) -> None:
    client = client_for(staff["designer"])
    url = reverse("earning:access", args=[assessed.pk])
    client.post(url, {"mode": "code", "reviews_required": "2"})
    policy = AccessPolicy.objects.get(achievement=assessed)
    assert policy.mode == "code" and policy.reviews_required == 2
    client.post(reverse("earning:invite_code_create", args=[assessed.pk]), {"label": "Cohort A"})
    code = assessed.invite_codes.get()
    assert code.code in client.get(url).content.decode()
    response = client.post(
        reverse("earning:email_list", args=[assessed.pk]),
        {"emails": "a@example.com\nnot-an-email"},
        follow=True,
    )
    assert "Not email addresses: not-an-email" in response.content.decode()
    client.post(
        reverse("earning:email_list", args=[assessed.pk]),
        {"emails": "a@example.com, B@example.com"},
    )
    assert sorted(assessed.invited_emails.values_list("email", flat=True)) == [
        "a@example.com",
        "b@example.com",
    ]


def test_the_queue_filters_by_badge_and_age(submitted, staff, client_for, org, fixed_now) -> None:
    client = client_for(staff["assessor"])
    url = reverse("earning:queue", args=[org.pk])
    assert [r.application for r in client.get(url).context["rows"]] == [submitted]
    assert client.get(url, {"age": "1"}).context["rows"] == []  # submitted moments ago
    assert [
        r.application
        for r in client.get(url, {"badge": str(submitted.achievement_id)}).context["rows"]
    ] == [submitted]
    assert client.get(url, {"mine": "on"}).context["rows"] == []
    Application.objects.filter(pk=submitted.pk).update(submitted_at=fixed_now.replace(year=2020))
    assert len(client.get(url, {"age": "14"}).context["rows"]) == 1


def test_public_credential_shows_private_evidence_without_a_link(
    submitted, staff, learner, client
) -> None:
    start(submitted, staff["assessor"])
    decide(submitted, staff["assessor"], "approve")
    submitted.refresh_from_db()
    wallet_set_visibility(user=learner, credential_id=submitted.credential_id, public=True)
    public_item = EvidenceItem.objects.get(application=submitted, requirement__kind="url")
    services.evidence_set_visibility(learner=learner, item_id=public_item.pk, public=True)
    html = client.get(reverse("public:credential", args=[submitted.credential_id])).content.decode()
    assert "Practical assessment: 6 of 9" in html
    assert f"/evidence/{public_item.pk}/" in html
    assert html.count("The holder keeps this evidence private.") == 3


def test_every_earning_page_is_labelled_and_script_free(
    submitted, staff, learner, client_for, org
) -> None:
    item = EvidenceItem.objects.get(application=submitted, requirement__kind="text")
    start(submitted, staff["assessor"])
    pages = [
        (learner, reverse("earning:apply", args=[submitted.achievement_id])),
        (learner, reverse("earning:application_list")),
        (learner, reverse("earning:application", args=[submitted.pk])),
        (learner, reverse("earning:evidence", args=[item.pk])),
        (staff["assessor"], reverse("earning:queue", args=[org.pk])),
        (staff["assessor"], reverse("earning:review", args=[submitted.pk])),
        (staff["designer"], reverse("earning:assessment", args=[submitted.achievement_id])),
        (staff["designer"], reverse("earning:access", args=[submitted.achievement_id])),
        (staff["designer"], reverse("earning:earn_rate", args=[submitted.achievement_id])),
        (staff["designer"], reverse("achievements:detail", args=[submitted.achievement_id])),
    ]
    for user, url in pages:
        response = client_for(user).get(url, follow=True)
        assert response.status_code == 200, url
        page = audit(response.content.decode())
        assert page.lang and page.h1 == 1, url
        assert {"main", "header", "footer", "nav"} <= page.tags, url
        assert page.scripts == 0, url
        unlabelled = [
            c
            for c in page.controls
            if c.get("id") not in page.label_for and not c.get("aria-label")
        ]
        assert len(unlabelled) <= page.controls_in_labels, f"{url}: unlabelled {unlabelled}"
        assert all(img.get("alt") is not None for img in page.images), url
