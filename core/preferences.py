TEXT_SIZE_COOKIE = "fa_text_size"
TEXT_SIZES = ("normal", "large")
TEXT_SIZE_COOKIE_AGE = 60 * 60 * 24 * 365 * 2

# Data saver (省流量): "on" or "off" chosen with the header switch; without a choice the
# browser's `Save-Data: on` request header turns it on. A choice of "off" wins over the header.
DATA_SAVER_COOKIE = "fa_data_saver"
DATA_SAVER_CHOICES = ("on", "off")


def data_saver_on(request) -> bool:
    choice = request.COOKIES.get(DATA_SAVER_COOKIE)
    if choice in DATA_SAVER_CHOICES:
        return choice == "on"
    return request.headers.get("Save-Data", "").strip().lower() == "on"
