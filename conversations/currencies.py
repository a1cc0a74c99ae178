"""ISO 4217 currencies and their minor units, for revenue events.

Amounts are kept as whole numbers of the currency's minor unit (cents, yen, fils): exact,
summed exactly in SQL, and the number of decimals a currency allows is checked on the way
in (19.999 USD is refused, not rounded). The list is the active ISO 4217 codes; funds codes
used only between banks and the precious metals are left out.
"""

from __future__ import annotations

from decimal import Decimal


def codes(text: str) -> list[str]:
    return text.split()


ACTIVE = frozenset(
    codes(
        """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF
    XPF YER ZAR ZMW ZWG ZWL
    """
    )
)
# Decimals after the point; every other active currency has two.
EXPONENTS = {
    **dict.fromkeys(codes("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"), 0),
    **dict.fromkeys(codes("BHD IQD JOD KWD LYD OMR TND"), 3),
}
# Large enough for any single payment, small enough that sums stay far inside a bigint.
MAX_MAJOR_UNITS = Decimal(10) ** 10


class AmountError(ValueError):
    """An amount or currency that cannot be stored exactly; the message says why."""


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency, 2)


def check_currency(code: str) -> str:
    if code not in ACTIVE:
        raise AmountError(f"{code!r} is not an ISO 4217 currency code (three capital letters)")
    return code


def to_minor(amount: Decimal, currency: str) -> int:
    """The amount in the currency's minor unit, exactly, or AmountError."""
    if not amount.is_finite() or amount <= 0:
        raise AmountError("must be greater than 0")
    if amount >= MAX_MAJOR_UNITS:
        raise AmountError(f"must be less than {MAX_MAJOR_UNITS:,}")
    places = exponent(currency)
    minor = amount.scaleb(places)
    if minor != minor.to_integral_value():
        raise AmountError(f"{currency} allows at most {places} decimal places")
    return int(minor)


def to_major(minor: int, currency: str) -> Decimal:
    """Minor units back to the amount, with the currency's decimals ("19.90", "500")."""
    places = exponent(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))
