"""Demo documents that look like the ones units really send: a one-page A4 PDF laid out as a Party
document (issuing organ top left, the Party's name top right, number and symbol, place and date,
title, text, signature, recipients). Every organ's name comes from the units data.

Drawn with fpdf2 and the DejaVu Serif font shipped in ``fonts/`` (it has every Vietnamese glyph and
does not depend on the machine's fonts)."""
from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
CREATOR = "Cổng Thi đua (dữ liệu trình diễn)"
SIGNERS = ["Nguyễn Thành Trung", "Lê Thị Thu Hà", "Trần Quốc Bảo", "Phạm Minh Tâm", "Võ Thị Ngọc Lan",
           "Đinh Văn Hùng", "Huỳnh Thị Mỹ Dung", "Lý Văn Phúc"]


@dataclass
class Document:
    """What one document says; :func:`render_pdf` lays it out."""
    superior: str            # the committee above the organ ("Thành ủy Biên Hòa"), or ""
    organ: str               # the issuing organ ("Ban Tổ chức Thành ủy Biên Hòa")
    number: str              # "125-KH/BTCTU"
    place: str               # "Biên Hòa"
    day: date
    kind: str                # "KẾ HOẠCH"
    subject: str             # the line under the kind
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (style "" | "B", text)
    signer_title: str = "TRƯỞNG BAN"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


def date_line(place: str, day: date) -> str:
    """"Biên Hòa, ngày 05 tháng 3 năm 2026" — days below 10 and the months January and February take a 0."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def symbol_of(organ: str) -> str:
    """The symbol after the kind in a number: the initials of the organ's name up to "ủy"
    ("Ban Tổ chức Huyện ủy Long Thành" → "BTCHU")."""
    letters = []
    for word in organ.split():
        letters.append(word[0].upper())
        if word.lower() == "ủy":
            break
    return "".join(letters).replace("Ủ", "U")


def superior_of(organ: str, prefix: str) -> str:
    """The committee an organ belongs to: its name without the words every organ's name starts with."""
    return organ[len(prefix):].strip() if prefix and organ.startswith(prefix) else ""


class _Page(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        self.set_margins(25, 18, 18)
        self.set_auto_page_break(False)
        self.set_creator(CREATOR)
        for style, name in (("", "DejaVuSerif.ttf"), ("B", "DejaVuSerif-Bold.ttf"), ("I", "DejaVuSerif-Italic.ttf")):
            self.add_font(FONT, style, str(FONTS / name))


def render_pdf(doc: Document) -> bytes:
    """One A4 page, text selectable (the fonts are embedded as subsets)."""
    return render_pdfs([doc])[0]


_rendered: dict[str, list[bytes]] = {}


def render_pdfs(docs: list[Document]) -> list[bytes]:
    """One PDF per document. They are drawn as the pages of one PDF and then split, so the fonts
    are read and subset once for all of them (several times faster than one PDF at a time).
    The same documents drawn again in one process (the demo seeded again, as the tests do) are the
    same bytes, kept from the first time."""
    key = repr(docs)
    if key not in _rendered:
        _rendered[key] = _render_pdfs(docs)
    return list(_rendered[key])


def _render_pdfs(docs: list[Document]) -> list[bytes]:
    pdf = _Page()
    for doc in docs:
        _draw(pdf, doc)
    whole = PdfReader(io.BytesIO(bytes(pdf.output())))
    files = []
    for page, doc in zip(whole.pages, docs):
        single = PdfWriter()
        single.add_page(page)
        single.add_metadata({"/Title": f"{doc.kind.capitalize()} {doc.number}", "/Author": doc.organ,
                             "/Creator": CREATOR})
        out = io.BytesIO()
        single.write(out)
        files.append(out.getvalue())
    return files


def _draw(pdf: FPDF, doc: Document) -> None:
    pdf.add_page()
    left_w, right_w = 90, 76
    right_x = pdf.w - pdf.r_margin - right_w
    top = pdf.t_margin
    # issuing organ, top left
    pdf.set_xy(pdf.l_margin, top)
    if doc.superior:
        pdf.set_font(FONT, "", 10.5)
        pdf.cell(left_w, 5.5, doc.superior.upper(), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(left_w, 5.5, doc.organ.upper(), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10.5)
    pdf.cell(left_w, 5, "*", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(left_w, 5.5, f"Số {doc.number}", align=Align.C)
    # the Party's name and the place and date, top right
    pdf.set_xy(right_x, top)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(right_w, 5.5, PARTY, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    underline_w = pdf.get_string_width(PARTY)
    pdf.line(right_x + (right_w - underline_w) / 2, pdf.get_y() + 0.4, right_x + (right_w + underline_w) / 2, pdf.get_y() + 0.4)
    pdf.set_xy(right_x, pdf.get_y() + 10)
    pdf.set_font(FONT, "I", 10)
    pdf.cell(right_w, 5.5, date_line(doc.place, doc.day), align=Align.R)
    # title
    pdf.set_xy(pdf.l_margin, top + 42)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 7, doc.kind, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 11.5)
    pdf.multi_cell(0, 6, doc.subject, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 4, "-----", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    # text
    for style, text in doc.paragraphs:
        pdf.set_font(FONT, style, 11)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, 6, ("" if style else "        ") + text, align=Align.J if not style else Align.L,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
    # recipients (left) and signature (right)
    block = max(pdf.get_y() + 6, 215)
    pdf.set_xy(pdf.l_margin, block)
    pdf.set_font(FONT, "B", 9.5)
    pdf.cell(left_w, 5, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    for recipient in doc.recipients:
        pdf.cell(left_w, 4.5, f"- {recipient}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(right_x, block)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(right_w, 5.5, doc.signer_title, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(right_x, pdf.get_y() + 2)
    pdf.set_font(FONT, "I", 9.5)
    pdf.set_text_color(160, 30, 30)
    pdf.cell(right_w, 5, "(đã ký)", align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(right_x, pdf.get_y() + 14)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(right_w, 5.5, doc.signer_name, align=Align.C)


def signer(rng: random.Random) -> tuple[str, str]:
    """A signer's title (the head, or a deputy signing for the head) and name."""
    title = rng.choice(["TRƯỞNG BAN", "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN", "TRƯỞNG BAN"])
    return title, rng.choice(SIGNERS)


@dataclass(frozen=True)
class Issuer:
    """Who issues a unit's documents, all from the units data."""
    superior: str
    organ: str
    place: str
    symbol: str


def common_prefix(names: list[str]) -> str:
    """The whole words every name starts with ("Ban Tổ chức "), or ""."""
    words = [name.split() for name in names if name]
    shared = []
    for column in zip(*words):
        if len(set(column)) != 1:
            break
        shared.append(column[0])
    return " ".join(shared) + " " if shared else ""


def issuer_for(unit, prefix: str, province_place: str) -> Issuer:
    """A district's or city's organ writes its own place on its documents; provincial organs the province's."""
    local = unit.kind.value in ("city_committee", "district_committee")
    return Issuer(superior_of(unit.name, prefix), unit.name, unit.short_name if local else province_place,
                  symbol_of(unit.name))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


PROBLEMS = [
    "Một số cấp ủy cơ sở chưa chủ động, còn lúng túng trong cụ thể hóa nhiệm vụ; việc báo cáo có lúc chưa đúng hạn.",
    "Chất lượng tham mưu ở một số nội dung chưa cao; công tác kiểm tra, giám sát việc thực hiện có lúc chưa thường xuyên.",
    "Đội ngũ làm công tác tổ chức ở cơ sở còn mỏng, kiêm nhiệm nhiều việc; ứng dụng công nghệ thông tin chưa đồng đều.",
    "Việc sơ kết, rút kinh nghiệm chưa kịp thời; một số mô hình mới chưa được nhân rộng.",
]
NEXT_STEPS = [
    "Tiếp tục tham mưu cấp ủy chỉ đạo quyết liệt, hoàn thành các chỉ tiêu còn lại trước thời hạn tổng kết.",
    "Tăng cường hướng dẫn, kiểm tra, đôn đốc cơ sở; kịp thời tháo gỡ khó khăn, vướng mắc phát sinh.",
    "Đẩy mạnh ứng dụng công nghệ thông tin trong quản lý, theo dõi; nâng cao chất lượng thông tin, báo cáo.",
]


def evidence_document(issuer: Issuer, province_organ: str, criterion_title: str, year: int, kind: str,
                      number: int, day: date, rng: random.Random) -> Document:
    """A plan (KH), report (BC) or programme (CTr) about one criterion, with figures of its own."""
    subject_text = _lower_first(criterion_title)
    head = issuer.superior or issuer.organ
    bases = rng.randint(18, 96)
    if kind == "KH":
        month = min(day.month + 1, 12)
        title, subject = "KẾ HOẠCH", f"triển khai thực hiện: {subject_text}"
        paragraphs = [
            ("", f"Căn cứ Chương trình công tác năm {year} của {head}; thực hiện hướng dẫn của {province_organ}, "
                 f"{issuer.organ} xây dựng kế hoạch triển khai như sau:"),
            ("B", "I. MỤC ĐÍCH, YÊU CẦU"),
            ("", "Quán triệt, triển khai đầy đủ, kịp thời nội dung nhiệm vụ; xác định rõ công việc, thời gian "
                 "hoàn thành và trách nhiệm của từng tổ chức, cá nhân; bảo đảm tiến độ, chất lượng theo chỉ tiêu "
                 "đã đăng ký thi đua."),
            ("B", "II. NỘI DUNG VÀ TIẾN ĐỘ"),
            ("", f"1. Trong tháng {month}/{year}: rà soát, tổng hợp tình hình tại {bases} tổ chức cơ sở đảng trực "
                 f"thuộc; đề xuất với Ban Thường vụ {rng.randint(3, 7)} nhóm giải pháp trọng tâm."),
            ("", f"2. Trước ngày {rng.randint(10, 28)}/{min(month + 2, 12)}/{year}: hoàn thành các nội dung theo "
                 "kế hoạch; tổ chức sơ kết, rút kinh nghiệm, báo cáo kết quả về cấp trên."),
            ("B", "III. TỔ CHỨC THỰC HIỆN"),
            ("", f"Giao các phòng chuyên môn chủ trì, phối hợp triển khai; định kỳ báo cáo kết quả về {issuer.organ} "
                 "(qua Văn phòng) trước ngày 20 hằng tháng để tổng hợp."),
        ]
    elif kind == "CTr":
        title, subject = "CHƯƠNG TRÌNH", f"hành động thực hiện: {subject_text}, năm {year}"
        paragraphs = [
            ("", f"Nhằm cụ thể hóa Chương trình công tác năm {year} của {head}, {issuer.organ} ban hành chương "
                 f"trình hành động gồm {rng.randint(4, 9)} nhóm nhiệm vụ, {rng.randint(15, 32)} đầu việc cụ thể:"),
            ("", f"1. Tập trung chỉ đạo {bases} tổ chức cơ sở đảng xây dựng kế hoạch thực hiện, hoàn thành trước "
                 f"ngày {rng.randint(10, 28)}/{min(day.month + 1, 12)}/{year}."),
            ("", f"2. Phân công {rng.randint(4, 12)} đồng chí cán bộ, chuyên viên theo dõi, hướng dẫn từng địa bàn; "
                 "kịp thời báo cáo những khó khăn, vướng mắc."),
            ("", "3. Gắn kết quả thực hiện với đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên cuối năm."),
            ("", rng.choice(NEXT_STEPS)),
        ]
    else:
        done = rng.randint(max(bases - 6, 1), bases)
        title, subject = "BÁO CÁO", f"kết quả thực hiện: {subject_text}, năm {year}"
        paragraphs = [
            ("", f"Thực hiện Kế hoạch số {rng.randint(5, 90)}-KH/{issuer.symbol} về triển khai nhiệm vụ năm {year}, "
                 f"{issuer.organ} báo cáo kết quả như sau:"),
            ("B", "1. Kết quả đạt được"),
            ("", f"Đã tổ chức {rng.randint(2, 9)} hội nghị quán triệt, triển khai với {rng.randint(120, 1800)} lượt "
                 f"cán bộ, đảng viên tham dự; {done}/{bases} tổ chức cơ sở đảng hoàn thành đúng tiến độ, đạt "
                 f"{round(100 * done / bases)}% chỉ tiêu đăng ký thi đua."),
            ("B", "2. Hạn chế, nguyên nhân"),
            ("", rng.choice(PROBLEMS)),
            ("B", "3. Phương hướng thời gian tới"),
            ("", rng.choice(NEXT_STEPS)),
        ]
    signer_title, signer_name = signer(rng)
    return Document(issuer.superior, issuer.organ, f"{number}-{kind}/{issuer.symbol}", issuer.place, day, title,
                    subject, paragraphs, signer_title, signer_name,
                    [province_organ + " (b/c)", "Các tổ chức cơ sở đảng trực thuộc", "Lưu Văn phòng"])


DOSSIER_KINDS = {"tờ trình": ("TTr", "TỜ TRÌNH"), "biên bản": ("BB", "BIÊN BẢN"), "bản khai": ("BK", "BẢN KHAI")}


def dossier_document(issuer: Issuer, province_organ: str, document: str, award: str, nominee: str,
                     achievements: str, year: int, number: int, day: date, rng: random.Random) -> Document:
    """One document of a nomination's dossier ("Tờ trình", "Báo cáo thành tích" …) about its nominee."""
    kind, title = next(((k, t) for start, (k, t) in DOSSIER_KINDS.items() if document.lower().startswith(start)),
                       ("BC", document.upper()))
    if kind == "TTr":
        subject = f"đề nghị tặng {award} cho {nominee}"
        body = [("", f"Căn cứ kết quả thực hiện phong trào thi đua năm {year} và đề nghị của Hội đồng Thi đua - "
                     f"Khen thưởng, {issuer.organ} kính trình {province_organ} xem xét, đề nghị tặng {award} "
                     f"cho {nominee}."),
                ("", f"Thành tích chủ yếu: {achievements}"),
                ("", f"Hồ sơ kèm theo gồm báo cáo thành tích và các văn bản liên quan ({rng.randint(3, 8)} tài liệu)."),
                ("", f"Kính trình {province_organ} xem xét, quyết định.")]
    else:
        subject = f"đề nghị tặng {award} — {nominee}"
        body = [("B", "I. ĐẶC ĐIỂM, TÌNH HÌNH"),
                ("", f"{issuer.organ} được giao tham mưu công tác tổ chức xây dựng Đảng tại {rng.randint(24, 96)} "
                     f"tổ chức cơ sở đảng với {rng.randint(2400, 9800):,} đảng viên.".replace(",", ".")),
                ("B", "II. THÀNH TÍCH ĐẠT ĐƯỢC"),
                ("", achievements),
                ("B", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"),
                ("", f"Giấy khen của {province_organ} năm {year - rng.randint(1, 3)}; "
                     f"hoàn thành xuất sắc nhiệm vụ năm {year - 1}.")]
    signer_title, signer_name = signer(rng)
    return Document(issuer.superior, issuer.organ, f"{number}-{kind}/{issuer.symbol}", issuer.place, day, title,
                    subject, body, signer_title, signer_name, [province_organ, "Lưu Văn phòng"])


class Numbering:
    """Each organ numbers its documents in order through the year: every demo document has its own number."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.last: dict[str, int] = {}

    def next(self, issuer: Issuer) -> int:
        self.last[issuer.organ] = self.last.get(issuer.organ, self.rng.randint(8, 40)) + self.rng.randint(1, 9)
        return self.last[issuer.organ]


class Letterheads:
    """Issuers of every unit, from the units data and the campaign's settings (read once per seeding)."""

    def __init__(self, units, campaign) -> None:
        self.prefix = common_prefix([unit.name for unit in units])
        board = next((unit for unit in units if unit.kind.value == "provincial_board"), None)
        self.board = board
        self.province_organ = board.name if board else campaign.organization_name
        self.place = campaign.organization_place
        self.year = campaign.year
        self.numbers = Numbering(random.Random(campaign.year))

    def issuer(self, unit) -> Issuer:
        return issuer_for(unit, self.prefix, self.place)

    def issuer_of_board(self) -> Issuer:
        """The provincial board, which decides the awards (the campaign's organisation without a board unit)."""
        if self.board is not None:
            return self.issuer(self.board)
        return Issuer("", self.province_organ, self.place, symbol_of(self.province_organ))


def conference_png(organ: str, title: str, year: int, seed) -> bytes:
    """A drawn "photo" of a unit's conference: the stage backdrop with the organ's name (from the units
    data) and the conference's title, the presidium, the hall seen from behind."""
    rng = random.Random(seed)
    w, h = 960, 600
    img = Image.new("RGB", (w, h), (236, 230, 218))
    d = ImageDraw.Draw(img)
    # stage backdrop
    d.rectangle([0, 0, w, 330], fill=(168, 22, 30))
    d.rectangle([0, 330, w, 346], fill=(120, 14, 20))
    bold = ImageFont.truetype(str(FONTS / "DejaVuSerif-Bold.ttf"), 26)
    small = ImageFont.truetype(str(FONTS / "DejaVuSerif-Bold.ttf"), 20)
    star = [(120, 60), (131, 94), (167, 94), (138, 115), (149, 150), (120, 128), (91, 150), (102, 115), (73, 94), (109, 94)]
    d.polygon(star, fill=(250, 214, 60))
    d.text((w // 2 + 40, 70), organ.upper(), font=small, fill=(250, 214, 60), anchor="mm")
    y = 130
    lines = _wrap(d, title.upper(), bold, w - 260)
    if len(lines) > 4:  # a long title: four lines, the last one ending in an ellipsis
        lines = lines[:3] + [" ".join(lines[3].split()[:-1]) + " …"]
    for line in lines:
        d.text((w // 2 + 40, y), line, font=bold, fill=(250, 230, 120), anchor="mm")
        y += 40
    d.text((w // 2 + 40, y + 20), f"Năm {year}", font=small, fill=(250, 214, 60), anchor="mm")
    # presidium table and people
    d.rectangle([140, 360, w - 140, 420], fill=(30, 60, 130))
    for x in range(180, w - 160, 90):
        d.ellipse([x, 318, x + 34, 352], fill=(80 + rng.randint(0, 40), 55, 40))
        d.rectangle([x - 6, 350, x + 40, 362], fill=(245, 245, 245))
    # audience rows, seen from behind
    for row in range(3):
        for x in range(30 + (row % 2) * 25, w - 30, 52):
            y0 = 450 + row * 48
            d.rectangle([x, y0 + 24, x + 44, y0 + 60], fill=rng.choice([(245, 245, 245), (225, 232, 240), (60, 70, 90)]))
            d.ellipse([x + 8, y0, x + 36, y0 + 28], fill=(30 + rng.randint(0, 25),) * 3)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
def _wrap(d, text: str, font, width: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for word in words:
        t = f"{cur} {word}".strip()
        if d.textlength(t, font=font) <= width:
            cur = t
        else:
            lines.append(cur)
            cur = word
    return lines + [cur]
