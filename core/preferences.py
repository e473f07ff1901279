TEXT_SIZE_COOKIE = "fa_text_size"
TEXT_SIZES = ("normal", "large")
TEXT_SIZE_COOKIE_AGE = 60 * 60 * 24 * 365 * 2
