"""A stand-in for programmes.personal_data, to prove the registry."""


def collect(user) -> dict[str, list[dict]]:
    return {"bookings": [{"session": f"Peer support for {user.email}"}]}
