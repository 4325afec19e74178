/* Validators against valid and invalid examples from docs/detectors.md and the public specs. */
#include "detectors/validators.h"
#include "tests/unit/check.h"

static void test_cccd(void)
{
    int year = 0, sex = -1, prov = 0;
    CHECK(pd_valid_cccd("001087123456", 2026, &year, &sex, &prov));
    CHECK(year == 1987 && sex == 0 && prov == 1);
    CHECK(pd_valid_cccd("087084000999", 2026, &year, NULL, NULL) && year == 1984);
    CHECK(pd_valid_cccd("079301001234", 2026, &year, &sex, NULL) && year == 2001 && sex == 1);
    CHECK(!pd_valid_cccd("003087123456", 2026, NULL, NULL, NULL)); /* unassigned place code */
    CHECK(!pd_valid_cccd("001887123456", 2026, NULL, NULL, NULL)); /* born in 2387 */
    CHECK(!pd_valid_cccd("001230123456", 2026, NULL, NULL, NULL)); /* born in 2030: future */
    CHECK(!pd_valid_cccd("00108712345", 2026, NULL, NULL, NULL));  /* 11 digits */
    CHECK(!pd_valid_cccd("0010871234567", 2026, NULL, NULL, NULL)); /* 13 digits */
    CHECK(!pd_valid_cccd("101087123456", 2026, NULL, NULL, NULL));
    CHECK(pd_cccd_province_known(79) && pd_cccd_province_known(96) && !pd_cccd_province_known(3) &&
          !pd_cccd_province_known(97));
}

static void test_mst(void)
{
    CHECK(pd_valid_mst("0100233488", 10));
    CHECK(pd_valid_mst("0314409058002", 13));
    CHECK(pd_valid_mst("0100112437", 10));
    CHECK(pd_valid_mst("0100109106", 10)); /* the (11 - r) mod 11 mistake rejects this one */
    CHECK(!pd_valid_mst("0100233480", 10));
    CHECK(!pd_valid_mst("0100109107", 10));
    CHECK(!pd_valid_mst("0100000000", 10));
    CHECK(!pd_valid_mst("0314409058000", 13)); /* branch 000 */
    CHECK(!pd_valid_mst("031440905", 9));
}

static void test_phone(void)
{
    bool mobile;
    CHECK(pd_valid_vn_phone("0912345678", 10, &mobile) && mobile);
    CHECK(pd_valid_vn_phone("84912345678", 11, &mobile) && mobile);
    CHECK(pd_valid_vn_phone("0867123456", 10, &mobile) && mobile);
    CHECK(pd_valid_vn_phone("0559123456", 10, &mobile) && mobile);
    CHECK(pd_valid_vn_phone("02438251234", 11, &mobile) && !mobile); /* Hà Nội landline */
    CHECK(pd_valid_vn_phone("02838221234", 11, &mobile) && !mobile); /* TP.HCM landline */
    CHECK(!pd_valid_vn_phone("0112345678", 10, &mobile));
    CHECK(!pd_valid_vn_phone("01689123456", 11, &mobile)); /* old 11-digit mobile, retired */
    CHECK(!pd_valid_vn_phone("0612345678", 10, &mobile));
    CHECK(!pd_valid_vn_phone("1912345678", 10, &mobile));
}

static void test_cards(void)
{
    CHECK(pd_luhn("4111111111111111", 16));
    CHECK(!pd_luhn("4111111111111112", 16));
    CHECK(pd_valid_pan("4111111111111111", 16));
    CHECK(pd_valid_pan("5555555555554444", 16));
    CHECK(pd_valid_pan("378282246310005", 15));
    CHECK(!pd_valid_pan("378282246310005", 15 - 1));
    CHECK(!pd_valid_pan("9704361234567897", 16)); /* NAPAS: its own detector */
    CHECK(!pd_valid_pan("1234567812345670", 16)); /* passes Luhn, no issuer */
    CHECK(!pd_valid_pan("4111111111111121", 16));
    /* every brand and length of the public issuer tables (test numbers that pass Luhn) */
    CHECK(pd_valid_pan("4222222222222", 13));          /* Visa 13 */
    CHECK(pd_valid_pan("4111111111111111110", 19));    /* Visa 19 */
    CHECK(pd_valid_pan("2223003122003222", 16));       /* Mastercard 2-series */
    CHECK(pd_valid_pan("36227206271667", 14));         /* Diners 14 */
    CHECK(pd_valid_pan("6011000990139424", 16));       /* Discover */
    CHECK(pd_valid_pan("3530111333300000", 16));       /* JCB */
    CHECK(pd_valid_pan("6212345678901265", 16));       /* UnionPay */
    CHECK(pd_valid_pan("2200000000000004", 16));       /* Mir */
    CHECK(pd_valid_pan("6759649826438453", 16));       /* Maestro */
    CHECK(pd_pan_issuer("6759649826438453", 16) == PD_PAN_BROAD);
    CHECK(pd_pan_issuer("4111111111111111", 16) == PD_PAN_NARROW);
    CHECK(pd_pan_issuer("5066991111111118", 16) == PD_PAN_NARROW); /* Elo */
    CHECK(pd_pan_issuer("6062826786276634", 16) == PD_PAN_NARROW); /* Hipercard */
    CHECK(pd_pan_issuer("6370950000000005", 16) == PD_PAN_NARROW); /* Hiper */
    CHECK(pd_pan_issuer("079123456789", 12) == PD_PAN_NONE);       /* a CCCD */
    CHECK(!pd_valid_pan("341111111111111", 16));       /* Amex is 15 */
}

static void test_bhyt_plate(void)
{
    CHECK(pd_valid_bhyt("HS4010120878811"));
    CHECK(pd_valid_bhyt("DN4790120878811"));
    CHECK(!pd_valid_bhyt("ZZ4010120878811")); /* unknown group */
    CHECK(!pd_valid_bhyt("HS6010120878811")); /* level 6 */
    CHECK(!pd_valid_bhyt("HS4030120878811")); /* province 03 unassigned */
    CHECK(!pd_valid_bhyt("HS401012087881"));
    CHECK(pd_valid_plate("30A-123.45"));
    CHECK(pd_valid_plate("30A-1234"));
    CHECK(pd_valid_plate("51LD-123.45"));
    CHECK(pd_valid_plate("29-B1 123.45"));
    CHECK(pd_valid_plate("77L1-12345"));
    CHECK(!pd_valid_plate("30I-123.45")); /* series letters never I, O, Q, W */
    CHECK(!pd_valid_plate("30O-1234"));
    CHECK(!pd_valid_plate("05A-123.45")); /* area codes start at 11 */
    CHECK(!pd_valid_plate("30A-12.345"));
    /* the forms BienSoXe's tests accept */
    static const char *const plates[] = {"29F3 9999", "66V1 34567", "43A1 000.52", "29A 433.74", "14P 2222", "51G99999",
                                         "50HA 6666", "63AN 00419", "80-011-NG-01", "80NG-636-70", "29MĐ1 94190", NULL};
    for (int i = 0; plates[i]; i++)
        CHECK_MSG(pd_valid_plate(plates[i]), "%s", plates[i]);
    CHECK(!pd_valid_plate("80-011-XY-01"));
    CHECK(!pd_valid_plate("29ABC 1234"));
    CHECK(!pd_valid_plate("29A 12"));
}

static void test_dates_ip(void)
{
    CHECK(pd_valid_date(29, 2, 2000, 2026));
    CHECK(!pd_valid_date(29, 2, 1900, 2026));
    CHECK(!pd_valid_date(31, 4, 1990, 2026));
    CHECK(!pd_valid_date(1, 1, 2030, 2026));
    CHECK(!pd_valid_date(1, 13, 1990, 2026));
    bool priv;
    CHECK(pd_valid_ipv4("203.113.1.5", &priv) && !priv);
    CHECK(pd_valid_ipv4("192.168.1.10", &priv) && priv);
    CHECK(pd_valid_ipv4("172.20.0.1", &priv) && priv);
    CHECK(pd_valid_ipv4("172.32.0.1", &priv) && !priv);
    CHECK(!pd_valid_ipv4("256.1.1.1", &priv));
    CHECK(!pd_valid_ipv4("01.2.3.4", &priv));
    CHECK(!pd_valid_ipv4("0.0.0.0", &priv));
    CHECK(!pd_valid_ipv4("1.2.3", &priv));
}

int main(void)
{
    test_cccd();
    test_mst();
    test_phone();
    test_cards();
    test_bhyt_plate();
    test_dates_ip();
    return check_done();
}
