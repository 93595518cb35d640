from rest_framework import serializers, viewsets

from industrybrain.industry.models import Chain, ChainSegment, Cluster


class SegmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChainSegment
        fields = ["code", "name_zh", "name_en", "stage", "is_assumption", "citation"]


class ClusterSerializer(serializers.ModelSerializer):
    segments = SegmentSerializer(many=True, read_only=True)

    class Meta:
        model = Cluster
        fields = ["code", "name_zh", "name_en", "target_2025_yuan", "industry_prefixes",
                  "citation", "segments"]


class ChainSerializer(serializers.ModelSerializer):
    segments = SegmentSerializer(many=True, read_only=True)

    class Meta:
        model = Chain
        fields = ["code", "name_zh", "name_en", "citation", "segments"]


class ClusterViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Cluster.objects.prefetch_related("segments")
    serializer_class = ClusterSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # a code; anything else (a NUL) is no URL at all


class ChainViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Chain.objects.prefetch_related("segments")
    serializer_class = ChainSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


def register(router):
    router.register("clusters", ClusterViewSet)
    router.register("chains", ChainViewSet)
