/* Structural checks of Vietnamese and generic identifiers (facts in docs/detectors.md).
 * Inputs are normalised: digits only unless said otherwise. */
#ifndef PD_VALIDATORS_H
#define PD_VALIDATORS_H

#include <stdbool.h>
#include <stddef.h>

/* True if code (0-99, the CCCD's 3-digit place code without its leading 0) is an assigned province. */
bool pd_cccd_province_known(int code);

/* 12-digit citizen ID: assigned place code, century/sex digit 0-3 and a birth year not after
 * current_year. Outputs may be NULL. sex: 0 male, 1 female. */
bool pd_valid_cccd(const char *digits, int current_year, int *birth_year, int *sex, int *province);

/* Tax code: 10 digits with check digit, or 13 (10 + branch 001-999). */
bool pd_valid_mst(const char *digits, size_t n);

bool pd_luhn(const char *digits, size_t n);

/* International card number: known issuer range and length, Luhn; NAPAS 9704 excluded. */
bool pd_valid_pan(const char *digits, size_t n);

/* The issuer range a card number falls in, whatever its check digit: none, a narrow one (Visa,
 * Mastercard, Amex, Diners, Discover, JCB, Mir, Elo, Hiper) or a broad one (Maestro, UnionPay's
 * other lengths) that only a card's context makes a card. */
enum pd_pan_issuer { PD_PAN_NONE, PD_PAN_NARROW, PD_PAN_BROAD };
enum pd_pan_issuer pd_pan_issuer(const char *digits, size_t n);

/* Vietnamese phone number as digits: 0NSN or 84NSN. *mobile tells which table matched. */
bool pd_valid_vn_phone(const char *digits, size_t n, bool *mobile);

/* Health-insurance card: 2 upper-case letters, level 1-5, province code, 10 digits (15 chars). */
bool pd_valid_bhyt(const char *card);

/* Licence plate in upper case with its separators: "30A-123.45", "29-B1 123.45", "51LD-12345". */
bool pd_valid_plate(const char *plate);

bool pd_valid_date(int day, int month, int year, int current_year);

/* Dotted-quad IPv4; *is_private: RFC 1918, loopback, link-local or CGNAT. */
bool pd_valid_ipv4(const char *s, bool *is_private);

#endif
