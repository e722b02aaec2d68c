"""A programme manager comments on a milestone and mentions a researcher; the researcher
finds the notice, reads the comment, replies and corrects the reply within the edit
window. axe checks every page on the way."""

import pytest

from accounts.models import Role
from discussion.models import Comment
from programmes.models import MembershipRole
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory, enable_totp
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_mentions_a_researcher_who_replies_and_edits(
    page, browser_login, assert_accessible
):
    uk = InstituteFactory(uk=True, domains=["aisi.example.gov.uk"])
    au = InstituteFactory(au=True, domains=["aisi.example.gov.au"])
    programme = ProgrammeFactory(name="UK–Australia AI Security Partnership", institutes=[uk, au])
    manager = UserFactory(
        institute=uk,
        email="programmes@aisi.example.gov.uk",
        full_name="Grace Okafor",
        roles=[Role.PROGRAMME_MANAGER],
    )
    enable_totp(manager)
    programme.managers.add(manager)
    researcher = UserFactory(
        institute=uk, email="priya.shah@aisi.example.gov.uk", full_name="Priya Shah"
    )
    project = ProjectFactory(
        programme=programme, code="JRP-TALK-01", lead_institute=uk, partner_institutes=[au]
    )
    MembershipFactory(project=project, user=researcher, role=MembershipRole.RESEARCHER)
    milestone = MilestoneFactory(
        project=project, owner=researcher, title="Evaluation protocol agreed"
    )

    # The manager opens the milestone: an empty discussion.
    browser_login(page, manager)
    page.goto(milestone.get_absolute_url())
    discussion = page.get_by_role("region", name="Discussion")
    assert "No comments yet." in discussion.inner_text()
    assert_accessible(page)

    # An empty comment is refused, with the error summary and an "Error: " title.
    page.get_by_role("button", name="Add comment").click()
    assert page.title().startswith("Error: ")
    assert "Enter your comment." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Add a comment").fill(
        "@priya.shah@aisi.example.gov.uk can you confirm the protocol covers the AU tasks?"
    )
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(f"**/programmes/milestones/{milestone.pk}/#comment-*")
    assert "Your comment was added." in page.locator("main").inner_text()
    thread = page.get_by_role("region", name="Discussion").inner_text()
    assert "Grace Okafor (UK-AISI)" in thread
    assert "can you confirm the protocol covers the AU tasks?" in thread
    assert_accessible(page)

    # The researcher sees the notice and follows it to the comment.
    page.context.clear_cookies()
    browser_login(page, researcher)
    page.goto("/notifications/")
    assert_accessible(page)
    page.get_by_role(
        "link",
        name="Grace Okafor mentioned you in the discussion of the milestone "
        "Evaluation protocol agreed",
    ).click()
    page.wait_for_url(f"**/programmes/milestones/{milestone.pk}/#comment-*")
    assert (
        "can you confirm the protocol" in page.get_by_role("region", name="Discussion").inner_text()
    )
    assert_accessible(page)

    # They reply, then correct the reply while the window is open.
    page.get_by_label("Add a comment").fill("Confirmed: tasks 3 and 4 are in.")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(f"**/programmes/milestones/{milestone.pk}/#comment-*")
    assert_accessible(page)
    page.get_by_role("link", name="Change your comment").click()
    assert page.get_by_role("heading", name="Change your comment").is_visible()
    assert_accessible(page)
    page.get_by_label("Your comment").fill("Confirmed: tasks 3, 4 and 5 are in.")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"**/programmes/milestones/{milestone.pk}/#comment-*")
    thread = page.get_by_role("region", name="Discussion").inner_text()
    assert "Confirmed: tasks 3, 4 and 5 are in." in thread
    assert "Edited " in thread
    assert_accessible(page)

    reply = Comment.objects.get(author=researcher)
    assert reply.edited_at is not None
    assert reply.history.count() == 2
