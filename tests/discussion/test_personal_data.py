"""A person's data download holds the comments they wrote, and nobody else's."""

import json
import zipfile

from discussion import services
from records import subject_access


def _comments(user) -> list[dict]:
    archive = subject_access.build_archive(user)
    with zipfile.ZipFile(archive) as zipped:
        return json.loads(zipped.read("comments.json"))["entries"]


def test_the_download_lists_the_persons_own_comments_and_nobody_elses(w):
    mine = services.comment_post(user=w.researcher, record=w.milestone, body="Mine: agreed.")
    services.comment_post(user=w.partner, record=w.milestone, body="Theirs: agreed too.")
    removed = services.comment_post(user=w.researcher, record=w.project, body="Withdrawn.")
    services.comment_remove(user=w.researcher, comment=removed.comment)

    rows = _comments(w.researcher)
    assert [row["on"] for row in rows] == [
        "milestone Protocol agreed",
        f"project {w.project.code}",
    ]
    assert rows[0]["body"] == mine.comment.body
    assert rows[1]["body"] == "" and rows[1]["removed_at"]
    assert "Theirs" not in json.dumps(rows)
    assert [row["body"] for row in _comments(w.partner)] == ["Theirs: agreed too."]
