"""The week-close ledger: frozen 速報値 / 確定値 of every published week, and the restatements of them."""
