/**
 * The layering test: which module may use which, and that kafka-clients internals stay inside samsa-protocol,
 * checked with ArchUnit over every module's main classes in the build ({@code mvn verify}). The fixtures under
 * {@code io.samsa.*.archfixture} (test sources of this module only) are planted violations that prove each rule
 * fires.
 */
package io.samsa.architecture;
