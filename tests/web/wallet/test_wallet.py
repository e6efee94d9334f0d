"""The learner's wallet: status, downloads (JSON and baked images), public/private."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from insignia.core.baking import unbake
from insignia.web.awards import services
from insignia.web.awards.models import Credential
from insignia.web.wallet.models import WalletItem
from insignia.web.wallet.selectors import wallet_entries
from insignia.web.wallet.services import wallet_set_visibility


@pytest.fixture
def learner(make_user):
    return make_user("jamie.rivera@example.com", "Jamie Rivera")


@pytest.fixture
def held(published, staff, learner) -> Credential:
    credential = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=credential.pk)
    return credential


def test_wallet_lists_badges_with_live_status(held, learner, staff, client_for) -> None:
    [entry] = wallet_entries(user=learner)
    assert entry.status.code == "valid"
    html = client_for(learner).get(reverse("wallet:list")).content.decode()
    assert "Python for Data Analysis" in html and "status--valid" in html and "Private" in html
    services.credential_revoke(actor=staff["issuer"], credential_id=held.pk, reason="error")
    [entry] = wallet_entries(user=learner)
    assert entry.status.code == "revoked"


def test_pending_badges_can_be_accepted_from_the_wallet(
    published, staff, learner, client_for
) -> None:
    credential = services.credential_issue(
        actor=staff["issuer"],
        achievement_id=published.pk,
        recipient_email="JAMIE.RIVERA@example.com",
    )
    client = client_for(learner)
    assert "Waiting for you" in client.get(reverse("wallet:list")).content.decode()
    response = client.post(reverse("wallet:accept", args=[credential.pk]))
    assert response.status_code == 302
    assert WalletItem.objects.get(credential=credential).user == learner


def test_detail_shows_engine_verification(held, learner, client_for) -> None:
    html = client_for(learner).get(reverse("wallet:detail", args=[held.pk])).content.decode()
    assert "Verified" in html
    assert "The signature is valid" in html


def test_json_download_is_the_stored_document(held, learner, client_for) -> None:
    response = client_for(learner).get(reverse("wallet:download_json", args=[held.pk]))
    assert response.status_code == 200
    assert response.content.decode() == held.document
    assert response["Content-Disposition"] == 'attachment; filename="python-for-data-analysis.json"'


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_baked_downloads_carry_the_credential(held, learner, client_for, extension: str) -> None:
    response = client_for(learner).get(reverse("wallet:download_image", args=[held.pk, extension]))
    assert response.status_code == 200
    assert response["Content-Type"] == ("image/png" if extension == "png" else "image/svg+xml")
    baked = unbake(response.content)
    assert json.loads(baked.payload) == json.loads(held.document)


def test_wallet_items_are_private_to_their_owner(held, staff, client_for) -> None:
    outsider = client_for(staff["outsider"])
    for url in (
        reverse("wallet:detail", args=[held.pk]),
        reverse("wallet:download_json", args=[held.pk]),
        reverse("wallet:download_image", args=[held.pk, "png"]),
        reverse("wallet:detail", args=[uuid.uuid4()]),
    ):
        assert outsider.get(url).status_code == 404
    assert (
        outsider.post(
            reverse("wallet:visibility", args=[held.pk]), {"visibility": "public"}
        ).status_code
        == 404
    )


def test_visibility_switch(held, learner, client_for) -> None:
    client = client_for(learner)
    client.post(reverse("wallet:visibility", args=[held.pk]), {"visibility": "public"})
    assert WalletItem.objects.get(credential=held).is_public
    client.post(reverse("wallet:visibility", args=[held.pk]), {"visibility": "private"})
    assert not WalletItem.objects.get(credential=held).is_public


def test_service_refuses_other_people(held, staff) -> None:
    from insignia.web.common.errors import NotFound

    with pytest.raises(NotFound):
        wallet_set_visibility(user=staff["outsider"], credential_id=held.pk, public=True)
