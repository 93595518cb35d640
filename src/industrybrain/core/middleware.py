"""Request guards that belong to no one view."""


class AdminEmptyToFieldMiddleware:
    """Django's admin reads ``?_to_field=`` (empty) as a field named '' and crashes with
    FieldDoesNotExist (a 500); an empty value means "no field", so drop it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/"):
            if request.GET.get("_to_field", None) == "":
                request.GET = request.GET.copy()
                del request.GET["_to_field"]
            if request.method == "POST" and request.POST.get("_to_field", None) == "":
                post = request.POST.copy()
                del post["_to_field"]
                request.POST = post
        return self.get_response(request)
