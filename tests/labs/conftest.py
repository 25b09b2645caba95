"""Labs at both sites: a laser workshop at site A (staff's site) and a print lab at site B.

Maker A (company A) and maker B (company B) are trained for laser cutters. Every lab is open
every day 08:00–20:00, so that the coming week always has free slots.
"""

import pytest

from labs.choices import EquipmentKind
from tests.labs.factories import EquipmentFactory, LabFactory, TrainingFactory


@pytest.fixture
def lab_a(site_a):
    return LabFactory(site=site_a, name="激光加工工坊", name_en="Laser workshop")


@pytest.fixture
def lab_b(site_b):
    return LabFactory(site=site_b, name="金属3D打印实验室", name_en="Metal 3D printing lab")


@pytest.fixture
def laser_a(lab_a):
    return EquipmentFactory(lab=lab_a, name="大族CO₂激光切割机", name_en="Han's CO2 laser cutter")


@pytest.fixture
def printer_b(lab_b):
    return EquipmentFactory(
        lab=lab_b,
        name="铂力特金属3D打印机",
        name_en="BLT metal 3D printer",
        kind=EquipmentKind.METAL_PRINTER,
        needs_approval=True,
        slot_minutes=60,
        min_minutes=60,
        max_minutes=480,
    )


@pytest.fixture
def trained_a(maker_a):
    return TrainingFactory(user=maker_a, kind=EquipmentKind.LASER_CUTTER)


@pytest.fixture
def trained_b(maker_b):
    return TrainingFactory(user=maker_b, kind=EquipmentKind.LASER_CUTTER)
