from django.urls import reverse


def test_pages_render_for_firm_admin(
    client, firm, firm_admin, engagement, assistant, matter
):
    client.force_login(firm_admin)
    slug = firm.slug
    for url in [
        reverse("today:today"),
        reverse("today:firm_today", args=[slug]),
        reverse("matters:matter_list", args=[slug]),
        reverse("matters:matter_detail", args=[slug, matter.public_id]),
        reverse("work:task_list", args=[slug]),
        reverse("engagements:engagement_list", args=[slug]),
        reverse("engagements:engagement_new", args=[slug]),
        reverse("engagements:engagement_detail", args=[slug, engagement.public_id]),
        reverse("engagements:engagement_edit", args=[slug, engagement.public_id]),
        reverse("engagements:engagement_assign", args=[slug, engagement.public_id]),
        reverse("engagements:engagement_nda", args=[slug, engagement.public_id]),
        reverse("engagements:engagement_grant", args=[slug, engagement.public_id]),
        reverse("engagements:engagement_end", args=[slug, engagement.public_id]),
        reverse("engagements:people", args=[slug]),
        reverse("engagements:person_absences", args=[slug, firm_admin.public_id]),
        reverse("audit:audit_log", args=[slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_engagement_form_keeps_input_and_explains_errors(
    client, firm, firm_admin, provider
):
    client.force_login(firm_admin)
    url = reverse("engagements:engagement_new", args=[firm.slug])
    response = client.post(
        url,
        {
            "provider": provider.pk,
            "name": "Overflow support",
            "status": "pilot",
            "functions": ["scheduling"],
            "base_functions": ["scheduling"],
            "pilot_start": "2026-01-01",
            "pilot_evaluation": "2026-01-20",
            "first_response_minutes": "30",
            "pricing_model": "hourly",
            "price": "32.50",
            "currency": "USD",
            "inhouse_hourly_cost": "55",
            "turnaround_scheduling": "8",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "A pilot runs 60 to 90 days" in body
    assert 'value="Overflow support"' in body and 'value="32.50"' in body


def test_engagement_created_from_the_form_with_turnaround(
    client, firm, firm_admin, provider
):
    from firmdesk.engagements.models import Engagement

    client.force_login(firm_admin)
    response = client.post(
        reverse("engagements:engagement_new", args=[firm.slug]),
        {
            "provider": provider.pk,
            "name": "Overflow support",
            "status": "pilot",
            "functions": ["scheduling", "documents"],
            "base_functions": ["scheduling"],
            "pilot_start": "2026-01-01",
            "pilot_evaluation": "2026-03-17",
            "pilot_function": "scheduling",
            "target_on_time_percent": "90",
            "first_response_minutes": "30",
            "pricing_model": "hourly",
            "price": "32.50",
            "currency": "USD",
            "inhouse_hourly_cost": "55",
            "turnaround_scheduling": "8",
            "turnaround_documents": "24",
        },
    )
    assert response.status_code == 302
    engagement = Engagement.objects.for_firm(firm).get(name="Overflow support")
    assert engagement.turnaround_hours == {"scheduling": 8, "documents": 24}
    assert engagement.costs_extra("documents") and not engagement.costs_extra(
        "scheduling"
    )
