"""What Stepanov, Burnasov, Ilyushkina & Kovalev (2020) print, for comparison with the data.

Only the paper's own labels and lists live here (Table 1 as printed is bundled as a CSV); the
software never uses them to compute a result, only to set the data's answers beside the paper's.
"""

from __future__ import annotations

#: The paper's map numbering: Kazakh regions 1–7 from Atyrau to East Kazakhstan, Russian regions
#: 1a–11a from Astrakhan to the Altai Republic. Samara, which the paper leaves out, is "Sam.".
PAPER_LABELS: dict[str, str] = {
    "KZ-ATY": "1", "KZ-ZAP": "2", "KZ-AKT": "3", "KZ-KUS": "4", "KZ-SEV": "5", "KZ-PAV": "6",
    "KZ-VOS": "7",
    "RU-AST": "1a", "RU-VGG": "2a", "RU-SAR": "3a", "RU-ORE": "4a", "RU-CHE": "5a",
    "RU-KGN": "6a", "RU-TYU": "7a", "RU-OMS": "8a", "RU-NVS": "9a", "RU-ALT": "10a",
    "RU-AL": "11a", "RU-SAM": "Sam.",
}

#: The five cross-border agglomerations the paper names, as city names of the bundled cities
#: (GeoNames spellings: Oral = Uralsk, Petropavl = Petropavlovsk).
PAPER_AGGLOMERATIONS: tuple[tuple[str, ...], ...] = (
    ("Astrakhan", "Atyrau"),
    ("Samara", "Oral"),
    ("Chelyabinsk", "Kurgan", "Petropavl"),
    ("Omsk", "Pavlodar"),
    ("Barnaul", "Ust-Kamenogorsk"),
)

#: The years in which the paper's dollar and share claims are read: 2018, the latest year of regional
#: GRP Rosstat had published when the paper was written (2020), and 2019, the year of its Table 1.
PAPER_YEARS: tuple[int, ...] = (2018, 2019)

#: The year of the paper's Table 1 (population and unemployment), used for its point claims.
PAPER_TABLE_YEAR = 2019
