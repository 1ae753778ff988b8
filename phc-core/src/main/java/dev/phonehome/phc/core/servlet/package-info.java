/** Mounts the phone-home server in a Jakarta Servlet container (servlet API in {@code provided} scope). */
@NullMarked
package dev.phonehome.phc.core.servlet;

import org.jspecify.annotations.NullMarked;
