"""The plain serializers' base: fields copied per instance, each bound to its own serializer."""

import threading

from rest_framework import serializers

from incubator.api.fields import StrictCharField
from incubator.api.serializers import Serializer
from incubator.models import Site


class Sample(Serializer):
    count = serializers.IntegerField(min_value=1, max_value=10)
    name = StrictCharField(max_length=5, required=False)
    tags = serializers.ListField(child=serializers.IntegerField(min_value=0), required=False)
    sites = serializers.PrimaryKeyRelatedField(many=True, queryset=Site.objects.none(), required=False)
    inner = serializers.DictField(child=serializers.CharField(), required=False)


def test_every_instance_binds_its_own_copies_and_leaves_the_declared_fields_unbound():
    first, second = Sample(data={}), Sample(data={})
    declared = Sample._declared_fields
    for name, field in first.fields.items():
        assert field is not second.fields[name]
        assert field is not declared[name]
        assert field.parent is first and second.fields[name].parent is second
        assert field.field_name == name
        assert declared[name].parent is None
    # Fields that hold other fields get their own inner field too.
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert first.fields["sites"].child_relation is not second.fields["sites"].child_relation
    assert first.fields["inner"].child is not declared["inner"].child


def test_copies_validate_as_the_declared_fields_would():
    good = Sample(data={"count": "3", "name": "abc", "tags": [1, 2]})
    assert good.is_valid(), good.errors
    assert good.validated_data == {"count": 3, "name": "abc", "tags": [1, 2]}

    bad = Sample(data={"count": 11, "name": 5, "tags": [-1]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"count", "name", "tags"}
    assert bad.errors["count"][0].code == "max_value"
    assert bad.errors["tags"] == {0: [bad.errors["tags"][0][0]]}
    # The first serializer's answer did not change because another one ran.
    assert good.errors == {}


def test_a_field_changed_on_one_instance_is_changed_there_only():
    first, second = Sample(data={"sites": [1]}), Sample(data={"sites": [1]})
    first.fields["count"].max_value = 100
    assert second.fields["count"].max_value == 10
    assert Sample._declared_fields["count"].max_value == 10


def test_serializers_validating_in_threads_at_once_keep_their_own_answers():
    results: dict[int, object] = {}
    barrier = threading.Barrier(8)

    def validate(i: int) -> None:
        serializer = Sample(data={"count": i, "name": "x" * i})
        barrier.wait(timeout=10)
        serializer.is_valid()
        results[i] = (dict(serializer.validated_data), set(serializer.errors))

    threads = [threading.Thread(target=validate, args=(i,)) for i in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i in range(1, 9):
        if i <= 5:
            assert results[i] == ({"count": i, "name": "x" * i}, set())
        else:
            assert results[i] == ({}, {"name"})
