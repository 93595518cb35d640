# English dates as an English reader in China's partner institutions writes them: day, month,
# year, a 24-hour clock (Django's default "Nov. 2, 2020, 4 p.m." reads as American).
DATE_FORMAT = "j M Y"  # 2 Nov 2020
DATETIME_FORMAT = "j M Y, H:i"  # 2 Nov 2020, 16:45
YEAR_MONTH_FORMAT = "F Y"  # November 2020
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
