"""Major projects (issue 16) for the role-scope walk (core/testing.py): a district officer
sees the district's, an enterprise its own."""

from django.urls import reverse

from industrybrain.core.testing import declare


def project_of(e):
    """A project of the enterprise, built in its district (created on first use)."""
    from industrybrain.projects.models import Project

    project, _ = Project.objects.get_or_create(
        code=f"SCOPE-{e.pk}", defaults={"name": f"{e.name}扩产项目", "enterprise": e,
                                        "district_id": e.district_id, "planned_yuan": 10**9,
                                        "officer": "张伟"})
    return project


declare("page: project", lambda e: reverse("projects:detail", args=[project_of(e).pk]), "page")
declare("api: project", lambda e: reverse("project-detail", args=[project_of(e).pk]), "api")
