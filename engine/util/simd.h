/* simd.h -- run-time selection of vector code without -march.
 *
 * SIMD_CLONES on a static function makes gcc/clang emit a generic x86-64
 * version and an AVX2 version of it (clang 14 only links clones of static
 * functions), with the loader picking one for the CPU at
 * start-up (ifunc).  Sanitizer builds skip the clones: ifunc resolvers run
 * before the sanitizer runtime is ready (clang's TSan build crashed there); hand-written AVX2 kernels test SIMD_HAVE_AVX2
 * and check the CPU with simd_has_avx2_fma() before calling them.
 */
#ifndef COLLABTUI_SIMD_H
#define COLLABTUI_SIMD_H

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIMD_SANITIZED 1        /* clang's spelling */
#endif
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__) && \
	!defined(__SANITIZE_THREAD__) && !defined(SIMD_SANITIZED)
#define SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#define SIMD_HAVE_AVX2 1
#else
#define SIMD_CLONES
#define SIMD_HAVE_AVX2 0
#endif

/* Whether the CPU can run AVX2+FMA code (false where SIMD_HAVE_AVX2 is 0). */
static inline int simd_has_avx2_fma(void)
{
#if SIMD_HAVE_AVX2
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
	return 0;
#endif
}

#endif
