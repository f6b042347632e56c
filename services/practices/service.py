"""The practices service's use cases, composed from one module per use case over a common base
(base.py): the registry's schools and people (people.py), a practice's draft, files and review
(workflow.py), reading and searching the bank (catalogue.py), the regional roadmap (roadmap.py); each
takes plain commands and returns results (commands.py), never the HTTP bodies (schemas.py)."""

from __future__ import annotations

from services.practices.catalogue import CatalogueMixin
from services.practices.people import PeopleMixin
from services.practices.roadmap import RoadmapMixin
from services.practices.workflow import WorkflowMixin


class PracticesService(PeopleMixin, WorkflowMixin, CatalogueMixin, RoadmapMixin):
    """Everything the service does; the HTTP routes, pages and subscribers call it."""
