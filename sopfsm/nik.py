"""NIK (Nomor Induk Kependudukan) validation, as the civil registry (Dukcapil) lays it out.

``PP KK DD TTBBYY SSSS``: province, regency/city, district, date of birth (women add 40
to the day), and a serial number. Each failure names the part that is wrong.
"""

from __future__ import annotations

import datetime as dt
import re

from sopfsm.errors import NikError
from sopfsm.text import Text

# Province codes of the Ministry of Home Affairs (Kemendagri), including the Papua
# provinces created in 2022, whose residents are issued NIKs with the new codes.
PROVINCE_CODES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau",
    "15": "Jambi", "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
    "19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
    "32": "Jawa Barat", "33": "Jawa Tengah", "34": "DI Yogyakarta", "35": "Jawa Timur",
    "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat", "62": "Kalimantan Tengah", "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara",
    "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah",
    "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}  # fmt: skip

ACCEPTED = Text(
    id="NIK 16 digit (spasi, titik atau tanda hubung di antara kelompok boleh)",
    en="a 16-digit NIK (spaces, dots or dashes between groups are allowed)",
)

_SEPARATORS = re.compile(r"[\s.\-]+")
WIT = dt.timezone(dt.timedelta(hours=9), "WIT")


def today() -> dt.date:
    """Today where it is latest in Indonesia (WIT, UTC+9): no one is born after that."""
    return dt.datetime.now(WIT).date()


def normalise_nik(raw: str, on: dt.date | None = None) -> str:
    """Return the 16 digits of ``raw``, or raise :class:`NikError` naming the wrong part.

    The date of birth ``DDMMYY`` is valid when 19YY or 20YY makes it a real date that is
    not after ``on`` (default: :func:`today`).
    """
    digits = _SEPARATORS.sub("", raw.strip())
    if not digits:
        raise NikError(Text(id="NIK kosong", en="the NIK is empty"))
    if not digits.isascii() or not digits.isdigit():
        raise NikError(Text(id="NIK hanya boleh berisi angka", en="a NIK holds digits only"))
    if len(digits) != 16:
        raise NikError(
            Text(
                id=f"NIK harus 16 digit, bukan {len(digits)}",
                en=f"a NIK has 16 digits, not {len(digits)}",
            )
        )
    province, regency, district = digits[0:2], digits[2:4], digits[4:6]
    if province not in PROVINCE_CODES:
        raise NikError(
            Text(
                id=f"kode provinsi {province} (digit 1-2) tidak ada",
                en=f"province code {province} (digits 1-2) does not exist",
            )
        )
    if regency == "00":
        raise NikError(
            Text(
                id="kode kabupaten/kota (digit 3-4) tidak boleh 00",
                en="the regency/city code (digits 3-4) cannot be 00",
            )
        )
    if district == "00":
        raise NikError(
            Text(
                id="kode kecamatan (digit 5-6) tidak boleh 00",
                en="the district code (digits 5-6) cannot be 00",
            )
        )
    _check_birth_date(digits[6:12], on or today())
    if digits[12:16] == "0000":
        raise NikError(
            Text(
                id="nomor urut (digit 13-16) tidak boleh 0000",
                en="the serial number (digits 13-16) cannot be 0000",
            )
        )
    return digits


def _check_birth_date(part: str, on: dt.date) -> None:
    day, month, year = int(part[0:2]), int(part[2:4]), int(part[4:6])
    if day > 40:
        day -= 40  # the registry marks women by adding 40 to the day
    if not 1 <= month <= 12:
        raise _bad_date(part, f"month {month:02d}", f"bulan {month:02d}")
    # YY names no century: the date is valid if 19YY or 20YY makes it a real day, not
    # after today. 29 February 00 is 2000 (1900 was no leap year); 29 February 24 is
    # 1924 or 2024 alike.
    born = [d for century in (1900, 2000) if (d := _date(century + year, month, day))]
    if not born:
        raise _bad_date(part, f"day {int(part[0:2]):02d}", f"tanggal {int(part[0:2]):02d}")
    if min(born) > on:
        raise NikError(
            Text(
                id=f"bagian tanggal lahir {part} (digit 7-12) jatuh setelah hari ini",
                en=f"the date-of-birth part {part} (digits 7-12) is after today",
            )
        )


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _bad_date(part: str, en_detail: str, id_detail: str) -> NikError:
    return NikError(
        Text(
            id=f"bagian tanggal lahir {part} (digit 7-12) bukan tanggal yang sah ({id_detail})",
            en=f"the date-of-birth part {part} (digits 7-12) is not a valid date ({en_detail})",
        )
    )
