/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ossl.h"

#define STR(x)	STR1(x)
#define STR1(x)	#x
/* The soname of the headers we were built with: the same ABI. */
#define LIBSSL	"libssl.so." STR(OPENSSL_SHLIB_VERSION)

#define X(f)	__typeof__(f) *ossl_##f;
OSSL_SYMS
#undef X

int
ossl_load(char *err, size_t errlen)
{
	static int	 loaded;
	void		*h;
	const char	*e;

	if (loaded)
		return 0;
	/* libcrypto comes along; dlsym looks in both. */
	if ((h = dlopen(LIBSSL, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(err, errlen, "TLS: %s", e != NULL ? e : LIBSSL);
		return -1;
	}
#define X(f)								\
	if ((*(void **)&ossl_##f = dlsym(h, #f)) == NULL) {		\
		snprintf(err, errlen, "TLS: %s has no %s", LIBSSL, #f);	\
		return -1;						\
	}
	OSSL_SYMS
#undef X
	loaded = 1;
	return 0;
}
