"""A stand-in for an app's personal_data module, to prove the registry."""


def collect(user) -> dict[str, list[dict]]:
    return {"bookings": [{"session": f"Peer support for {user.email}"}]}
