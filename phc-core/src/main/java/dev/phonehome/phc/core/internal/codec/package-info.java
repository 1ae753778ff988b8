/**
 * The wire codecs of both dialects (SPEC section 2). Internal: public only for phc's sibling modules
 * (phc-testkit, phc-junos, phc-cli); not a supported API.
 *
 * <ul>
 *   <li>{@link dev.phonehome.phc.core.internal.codec.SafeXml}: the hardened XML parsers (no DOCTYPE, no external
 *       entities or DTDs, no XInclude, secure processing, element depth at most 500) and the bounded stream that
 *       fails with "body exceeds N bytes" as soon as a body passes its limit. Every XML reader in phc uses it.
 *   <li>{@link dev.phonehome.phc.core.internal.codec.JuniperXmlCodec}: {@code <device>} and {@code <notification>}.
 *   <li>{@link dev.phonehome.phc.core.internal.codec.Rfc8572Codec}: get-bootstrapping-data input/output,
 *       report-progress input, conveyed information, in RFC 7951 JSON (a small streaming reader and writer of our own, {@code internal.json}) and RFC 7950 XML.
 *   <li>{@link dev.phonehome.phc.core.internal.codec.ConveyedInformationCms}: the CMS ContentInfo around conveyed
 *       information (Bouncy Castle).
 *   <li>{@link dev.phonehome.phc.core.internal.codec.RestconfErrors}: RESTCONF error bodies.
 * </ul>
 *
 * <p>Common rules: decoders stream and never read more than {@link
 * dev.phonehome.phc.core.internal.codec.CodecLimits#streamCap()}; a bad document is a
 * {@link dev.phonehome.phc.api.PhcProtocolException} whose path is a JSON path ({@code $.a.b[0].c}, 0-based) or an
 * XPath-like path ({@code /a/b[1]/c}, 1-based, index shown for list elements) and whose message quotes the bad
 * value (cut at 64 characters); a failing stream is an {@link java.io.UncheckedIOException}; encoders write one
 * canonical form (UTF-8, XML declaration, two-space indentation, {@code <a/>} for empty elements, JSON with two-space
 * indentation and {@code [null]} on one line, a final newline), so encode(decode(canonical)) is byte-identical.
 * Unknown elements and members are skipped; unknown enum and identity values are errors.
 */
@NullMarked
package dev.phonehome.phc.core.internal.codec;

import org.jspecify.annotations.NullMarked;
