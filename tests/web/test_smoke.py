from django.urls import reverse


def test_pages_render_for_firm_admin(
    client, firm, firm_admin, engagement, assistant, matter
):
    client.force_login(firm_admin)
    slug = firm.slug
    for url in [
        reverse("today"),
        reverse("firm_today", args=[slug]),
        reverse("matter_list", args=[slug]),
        reverse("matter_detail", args=[slug, matter.public_id]),
        reverse("task_list", args=[slug]),
        reverse("engagement_list", args=[slug]),
        reverse("engagement_new", args=[slug]),
        reverse("engagement_detail", args=[slug, engagement.public_id]),
        reverse("engagement_edit", args=[slug, engagement.public_id]),
        reverse("engagement_assign", args=[slug, engagement.public_id]),
        reverse("engagement_nda", args=[slug, engagement.public_id]),
        reverse("engagement_grant", args=[slug, engagement.public_id]),
        reverse("engagement_end", args=[slug, engagement.public_id]),
        reverse("people", args=[slug]),
        reverse("person_absences", args=[slug, firm_admin.public_id]),
        reverse("audit_log", args=[slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
