from accounts import events


class AuditRequestMiddleware:
    """Names the request being served, so that a change heard from a model save or a
    signal is recorded with who made it and from which address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with events.serving(request):
            return self.get_response(request)
