"""Issue 15: a school programme's documents and the curator's appointment, through the registry's
HTTP API — the curator uploads, changes and removes; the region administrator and the municipal
coordinator of the school read and download; mentors, mentees, other schools and municipalities
do not. Hostile uploads are refused with a 422 naming `file` and leave nothing behind (no row, no
file in the store: the folder on `memory`, the table `registry_file` on `postgres`, as `auto`
picks). A withdrawn curator's appointment is erased; the documents stay, their uploader becomes a
pseudonym."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import pytest_asyncio
from sqlmodel import select

from shared.files import DatabaseStore, FolderStore, file_table

from services.registry.documents_models import ProgrammeCuratorOrder, ProgrammeDocument
from services.registry.main import create_service
from services.registry.models import Programme
from tests.component.helpers import ADMIN, bearer, count, emitted, running

pytestmark = pytest.mark.asyncio(loop_scope="module")

LIMIT = 64 * 1024  # NASTAVNIK_FILE_MAX_BYTES of this module: small, so an oversize file is cheap
YEAR = "2026/2027"
CURATOR = bearer("school_curator", "school", "s1")
OTHER_CURATOR = bearer("school_curator", "school", "s2")
COORDINATOR = bearer("municipal_coordinator", "municipality", "m1")
OTHER_COORDINATOR = bearer("municipal_coordinator", "municipality", "m2")
MENTOR = bearer("mentor", "school", "s1")
MENTEE = bearer("mentee", "school", "s1")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "not a document")
    return buffer.getvalue()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def registry(module_settings):
    service = create_service(module_settings.model_copy(update={"file_max_bytes": LIMIT}))
    async with running(service) as client:
        for school, municipality in (("s1", "m1"), ("s2", "m2")):
            r = await client.post("/api/v1/schools", headers=ADMIN, json={
                "school_id": school, "name": f"Школа {school}", "municipality_id": municipality, "municipality_name": f"Район {municipality}"})
            assert r.status_code == 201, r.text
        yield service, client


async def programme(client, title: str = "Вместе") -> str:
    r = await client.post("/api/v1/schools/s1/programmes", headers=CURATOR, json={"title": title, "academic_year": YEAR})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def teacher(client, name: str, school: str = "s1") -> str:
    r = await client.post(f"/api/v1/schools/{school}/participants", headers=ADMIN, json={
        "category": "teacher", "full_name": name, "consent": {"given_by": "self"}})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def upload(client, programme_id: str, name: str = "prikaz.pdf", content: bytes = PDF, headers=CURATOR, **fields):
    data = {"programme_id": programme_id, "kind": "order", "number": "12-од", "issued_on": "2026-08-30", **fields}
    return await client.post("/api/v1/documents", headers=headers, data=data, files={"file": (name, content)})


async def stored_files(service) -> int:
    """Files in the registry's store, whichever it is."""
    store = service.service.files
    if isinstance(store, FolderStore):
        return sum(1 for path in Path(store.root).rglob("*") if path.is_file()) if store.root.exists() else 0
    return await count(service, file_table("registry"))


async def test_the_store_is_the_folder_embedded_and_the_database_on_postgresql(registry, backend) -> None:
    service, _client = registry
    assert isinstance(service.service.files, FolderStore if backend == "memory" else DatabaseStore)


async def test_the_curator_records_and_the_region_and_municipality_read_and_download(registry) -> None:
    service, client = registry
    pid = await programme(client)
    r = await upload(client, pid, name="Приказ о наставничестве.pdf", title="О внедрении целевой модели")
    assert r.status_code == 201, r.text
    document = r.json()
    assert document["kind"] == "order" and document["number"] == "12-од" and document["file_kind"] == "pdf"
    assert document["file_name"] == "Приказ о наставничестве.pdf" and document["file_size"] == len(PDF)
    [recorded] = [e for e in await emitted(service, "registry.document.recorded.v1") if e["document_id"] == document["id"]]
    assert recorded == {"document_id": document["id"], "programme_id": pid, "school_id": "s1", "academic_year": YEAR,
                        "kind": "order", "issued_on": "2026-08-30"}

    for headers in (CURATOR, ADMIN, COORDINATOR):  # who reads
        listed = await client.get(f"/api/v1/programmes/{pid}/documents", headers=headers)
        assert listed.status_code == 200, listed.text
        assert [d["id"] for d in listed.json()["documents"]] == [document["id"]]
        got = await client.get(f"/api/v1/documents/{document['id']}/file", headers=headers)
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith("attachment;")
        assert "filename*=UTF-8''" in got.headers["content-disposition"]
    for headers in (MENTOR, MENTEE):  # never
        assert (await client.get(f"/api/v1/programmes/{pid}/documents", headers=headers)).status_code == 403
        assert (await client.get(f"/api/v1/documents/{document['id']}/file", headers=headers)).status_code == 403
        assert (await upload(client, pid, headers=headers)).status_code == 403
    for headers in (OTHER_CURATOR, OTHER_COORDINATOR):  # another school or municipality: as if it did not exist
        assert (await client.get(f"/api/v1/programmes/{pid}/documents", headers=headers)).status_code == 404
        assert (await client.get(f"/api/v1/documents/{document['id']}", headers=headers)).status_code == 404
        assert (await client.get(f"/api/v1/documents/{document['id']}/file", headers=headers)).status_code == 404
    assert (await upload(client, pid, headers=OTHER_CURATOR)).status_code == 404
    assert (await client.delete(f"/api/v1/documents/{document['id']}", headers=OTHER_CURATOR)).status_code == 404
    for headers in (ADMIN, COORDINATOR):  # readers do not write
        assert (await upload(client, pid, headers=headers)).status_code == 403
        assert (await client.delete(f"/api/v1/documents/{document['id']}", headers=headers)).status_code == 403

    changed = await client.patch(f"/api/v1/documents/{document['id']}", headers=CURATOR, json={"number": "14-од", "kind": "regulation"})
    assert changed.status_code == 200 and changed.json()["number"] == "14-од" and changed.json()["kind"] == "regulation"
    latest = [e for e in await emitted(service, "registry.document.recorded.v1") if e["document_id"] == document["id"]][-1]
    assert latest["kind"] == "regulation"
    files_before = await stored_files(service)
    assert (await client.delete(f"/api/v1/documents/{document['id']}", headers=CURATOR)).status_code == 204
    [removed] = [e for e in await emitted(service, "registry.document.removed.v1") if e["document_id"] == document["id"]]
    assert removed["kind"] == "regulation" and removed["programme_id"] == pid
    assert await stored_files(service) == files_before - 1
    assert (await client.get(f"/api/v1/documents/{document['id']}/file", headers=ADMIN)).status_code == 404
    async with service.runtime.db.sessions() as session:
        assert (await session.get(ProgrammeDocument, document["id"])) is None


async def test_hostile_uploads_are_refused_naming_the_file_and_nothing_is_stored(registry) -> None:
    service, client = registry
    pid = await programme(client, "Проверка файлов")
    rows, files = await count(service, ProgrammeDocument), await stored_files(service)
    hostile = [
        ("prikaz.pdf", plain_zip(), "не соответствует расширению .pdf"),  # a ZIP dressed as a PDF
        ("roadmap.pdf", office("word/document.xml"), "это DOCX"),  # a DOCX named .pdf
        ("setup.docx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "не соответствует расширению .docx"),  # an .exe renamed
        ("script.html", b"<script>alert(1)</script>", "принимаются только PDF, DOCX, XLSX"),
        ("big.pdf", PDF + b"0" * LIMIT, "больше допустимого"),
        ("../../etc/passwd.pdf", PDF, "Недопустимое имя файла"),
        ("..\\..\\boot.pdf", PDF, "Недопустимое имя файла"),
        ("empty.pdf", b"", "пуст"),
    ]
    for name, content, message in hostile:
        r = await upload(client, pid, name=name, content=content)
        assert r.status_code == 422, (name, r.text)
        [problem] = r.json()["detail"]
        assert problem["loc"] == ["body", "file"] and message in problem["msg"], (name, problem)
    # far over the limit: the body is refused before it is read (413 naming the setting)
    r = await upload(client, pid, name="huge.pdf", content=PDF + b"0" * (LIMIT + 128 * 1024))
    assert r.status_code == 413 and "NASTAVNIK_FILE_MAX_BYTES" in r.text
    # details: an order has a number; a date is not in the future
    r = await upload(client, pid, number="")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "number"]
    r = await upload(client, pid, issued_on="2999-01-01")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "issued_on"]
    r = await upload(client, pid, kind="decree")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "kind"]
    assert await count(service, ProgrammeDocument) == rows
    assert await stored_files(service) == files
    # and the good ones of each type are kept, named as given
    for name, content in (("plan.docx", office("word/document.xml")), ("karta.xlsx", office("xl/workbook.xml"))):
        r = await upload(client, pid, name=name, content=content, kind="roadmap", number="")
        assert r.status_code == 201, r.text
    assert await stored_files(service) == files + 2


async def test_the_summary_and_the_curator_appointed_by_order(registry) -> None:
    service, client = registry
    pid = await programme(client, "Сводка")
    summary = (await client.get(f"/api/v1/programmes/{pid}/documents", headers=ADMIN)).json()["summary"]
    assert summary["complete"] is False and len(summary["missing"]) == 4
    person = await teacher(client, "Кураторова Ольга Ивановна")
    regulation = (await upload(client, pid, kind="regulation", number="")).json()
    r = await client.put(f"/api/v1/programmes/{pid}/curator-appointment", headers=CURATOR,
                         json={"participant_id": person, "order_document_id": regulation["id"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "order_document_id"]
    order = (await upload(client, pid, kind="curator_order", number="15-к", issued_on="2026-09-01")).json()
    stranger = await teacher(client, "Чужая Учительница", school="s2")
    r = await client.put(f"/api/v1/programmes/{pid}/curator-appointment", headers=CURATOR,
                         json={"participant_id": stranger, "order_document_id": order["id"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "participant_id"]
    r = await client.put(f"/api/v1/programmes/{pid}/curator-appointment", headers=CURATOR,
                         json={"participant_id": person, "order_document_id": order["id"], "appointed_on": "2026-08-01"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "appointed_on"]
    assert (await client.put(f"/api/v1/programmes/{pid}/curator-appointment", headers=ADMIN,
                             json={"participant_id": person, "order_document_id": order["id"]})).status_code == 403
    r = await client.put(f"/api/v1/programmes/{pid}/curator-appointment", headers=CURATOR,
                         json={"participant_id": person, "order_document_id": order["id"]})
    assert r.status_code == 200, r.text
    assert r.json()["curator"] == {"programme_id": pid, "participant_id": person, "full_name": "Кураторова Ольга Ивановна",
                                   "appointed_on": "2026-09-01", "order_document_id": order["id"], "order_number": "15-к",
                                   "order_issued_on": "2026-09-01"}
    [appointed] = [e for e in await emitted(service, "registry.curator.appointed.v1") if e["programme_id"] == pid]
    assert appointed == {"programme_id": pid, "school_id": "s1", "academic_year": YEAR, "curator_id": person,
                         "order_document_id": order["id"], "appointed_on": "2026-09-01"}
    assert (await client.get(f"/api/v1/programmes/{pid}", headers=ADMIN)).json()["curator_id"] == person
    for kind in ("order", "roadmap"):
        assert (await upload(client, pid, kind=kind, number="1")).status_code == 201
    summary = (await client.get(f"/api/v1/programmes/{pid}/documents", headers=COORDINATOR)).json()["summary"]
    assert summary == {"order": True, "regulation": True, "roadmap": True, "curator": True, "complete": True, "missing": []}
    # the order of an appointment stays while it is one
    r = await client.delete(f"/api/v1/documents/{order['id']}", headers=CURATOR)
    assert r.status_code == 409 and "куратор" in r.text
    r = await client.patch(f"/api/v1/documents/{order['id']}", headers=CURATOR, json={"kind": "other"})
    assert r.status_code == 409


async def test_withdrawal_erases_the_appointment_and_keeps_the_schools_documents(registry) -> None:
    service, client = registry
    pid = await programme(client, "Выбытие")
    person = await teacher(client, "Уходящая Мария Петровна")
    as_person = bearer("school_curator", "school", "s1", sub=person)  # the curator's own session
    order = (await upload(client, pid, kind="curator_order", number="3-к", headers=as_person)).json()
    r = await client.put(f"/api/v1/programmes/{pid}/curator-appointment", headers=as_person,
                         json={"participant_id": person, "order_document_id": order["id"]})
    assert r.status_code == 200, r.text

    r = await client.post(f"/api/v1/participants/{person}/withdrawal", headers=ADMIN, json={"reason": "consent_withdrawn"})
    assert r.status_code == 200, r.text

    listed = (await client.get(f"/api/v1/programmes/{pid}/documents", headers=ADMIN)).json()
    assert listed["curator"] is None and listed["summary"]["curator"] is False
    assert [d["id"] for d in listed["documents"]] == [order["id"]]  # the school's order stays
    assert "Уходящая" not in str(listed)
    async with service.runtime.db.sessions() as session:
        assert (await session.exec(select(ProgrammeCuratorOrder).where(ProgrammeCuratorOrder.participant_id == person))).all() == []
        document = await session.get(ProgrammeDocument, order["id"])
        assert document is not None and document.uploaded_by.startswith("pseudonym:") and person not in document.uploaded_by
        assert (await session.get(Programme, pid)).curator_id is None
    # the order is no longer an appointment's: it may go
    assert (await client.delete(f"/api/v1/documents/{order['id']}", headers=CURATOR)).status_code == 204
