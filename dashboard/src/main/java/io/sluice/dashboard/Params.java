package io.sluice.dashboard;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Parsing of query parameters; every refusal is a {@link BadRequestException} naming the parameter. */
final class Params {

    /** Pipeline and job names as the template and the coordinator allow them. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    private Params() {
    }

    static String name(String parameter, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException("missing parameter [" + parameter + "]");
        }
        if (!NAME.matcher(value).matches()) {
            throw new BadRequestException("parameter [" + parameter + "] must be lower-case letters, digits and '-' "
                    + "(at most 100), got [" + shorten(value) + "]");
        }
        return value;
    }

    /** An ISO-8601 instant ({@code 2026-11-11T20:30:00Z}) or epoch milliseconds. */
    static Instant instant(String parameter, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException("missing parameter [" + parameter + "]");
        }
        try {
            if (value.chars().allMatch(Character::isDigit) && value.length() <= 15) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            return Instant.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadRequestException("parameter [" + parameter + "] must be an ISO-8601 instant such as "
                    + "2026-11-11T20:30:00Z or epoch milliseconds, got [" + shorten(value) + "]");
        }
    }

    static int integer(String parameter, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new BadRequestException("parameter [" + parameter + "] must be an integer in [" + min + ", " + max
                + "], got [" + shorten(value) + "]");
    }

    static ZoneId zone(String value) {
        if (value == null || value.isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw new BadRequestException("parameter [tz] must be a time zone such as UTC or Asia/Shanghai, got ["
                    + shorten(value) + "]");
        }
    }

    private static String shorten(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
