def seed_labs(*, users, stdout=None) -> None:
    return None
