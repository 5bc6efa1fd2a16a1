from django.shortcuts import render

from members.access import member_required


@member_required
def index(request):
    return render(request, "enquiries/index.html")
