def seed_funding(*, users, stdout=None) -> None:
    return
