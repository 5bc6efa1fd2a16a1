"""Levies' answers to the registries of other apps (connected in LeviesConfig.ready())."""

__all__ = ["demo_data_seed"]


def demo_data_seed(sender, **kwargs) -> None:
    from . import demo

    demo.seed()
