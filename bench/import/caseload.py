"""Writes a synthetic caseload spreadsheet as a field office keeps one (CSV with `;`, French
headers, dates as day/month/year, countries by name, phone numbers) for the caseload import
benchmark: ROWS returnees with names made of syllables, so that a few hundred thousand people
are told apart as real names are (about one row in a hundred sounds like another).
Standard library only.

    python3 caseload.py ROWS OUT.csv
"""

import csv
import random
import sys

rows, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(11)
onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "s", "t", "y", "z", "dj", "ch", "w", "r", "p", "v"]
vowels = ["a", "e", "i", "o", "ou", "ai", "ia"]
countries = ["Sénégal", "Guinée", "Mali", "Gambie", "SN", "GN", "Côte d'Ivoire", "Niger"]
hosts = ["Maroc", "Libye", "Espagne", "Italie", "Algérie", "Niger", "France", "Allemagne"]


def name():
    return "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.choice([2, 3]))).capitalize()


with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";", lineterminator="\r\n")
    w.writerow(["Prénom", "Nom", "Sexe", "Date de naissance", "Date de retour", "Pays d'origine", "Bureau",
                "Pays d'accueil", "Téléphone", "Commune", "Profession", "Langues", "Passeport"])
    for i in range(rows):
        born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1960, 2006)}"
        back = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2019, 2026)}"
        w.writerow([name(), name(), rng.choice(["F", "H", "femme", "homme"]), born, back, rng.choice(countries),
                    rng.choice(["dakar", "thies", "kolda"]), rng.choice(hosts),
                    f"+221 7{rng.randint(0, 8)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    rng.choice(["Pikine", "Rufisque", "Mbour", "Ziguinchor"]), rng.choice(["", "tailleur", "maçon"]),
                    "wolof; français", f"A{i:08d}"])
