/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * OpenSSL, loaded with dlopen(3) when the first TLS context is made.
 * Linked in, libssl and libcrypto cost every start about a millisecond
 * (mapping them and relocating libcrypto), as long as the rest of a
 * one-shot `sockit send`; most runs speak no TLS.  tls.c includes this
 * after the OpenSSL headers, and its calls go through the pointers.
 * A name missing from either list below fails the build: the call
 * would need the library linked, or the pointer would be undeclared.
 */
#ifndef SOCKIT_OSSL_H
#define SOCKIT_OSSL_H

#include <stddef.h>

#define OSSL_SYMS \
	X(ASN1_INTEGER_set) \
	X(ERR_clear_error) \
	X(ERR_peek_error) \
	X(ERR_peek_last_error) \
	X(ERR_reason_error_string) \
	X(EVP_PKEY_Q_keygen) \
	X(EVP_PKEY_free) \
	X(EVP_sha256) \
	X(RAND_bytes) \
	X(SSL_CIPHER_get_name) \
	X(SSL_CTX_check_private_key) \
	X(SSL_CTX_ctrl) \
	X(SSL_CTX_free) \
	X(SSL_CTX_load_verify_locations) \
	X(SSL_CTX_new) \
	X(SSL_CTX_set_alpn_protos) \
	X(SSL_CTX_set_alpn_select_cb) \
	X(SSL_CTX_set_client_CA_list) \
	X(SSL_CTX_set_default_read_buffer_len) \
	X(SSL_CTX_set_default_verify_paths) \
	X(SSL_CTX_set_session_id_context) \
	X(SSL_CTX_set_verify) \
	X(SSL_CTX_use_PrivateKey) \
	X(SSL_CTX_use_PrivateKey_file) \
	X(SSL_CTX_use_certificate) \
	X(SSL_CTX_use_certificate_chain_file) \
	X(SSL_ctrl) \
	X(SSL_do_handshake) \
	X(SSL_free) \
	X(SSL_get0_alpn_selected) \
	X(SSL_get0_param) \
	X(SSL_get_current_cipher) \
	X(SSL_get_error) \
	X(SSL_get_shutdown) \
	X(SSL_get_verify_result) \
	X(SSL_get_version) \
	X(SSL_load_client_CA_file) \
	X(SSL_new) \
	X(SSL_read_ex) \
	X(SSL_select_next_proto) \
	X(SSL_session_reused) \
	X(SSL_set1_host) \
	X(SSL_set_accept_state) \
	X(SSL_set_connect_state) \
	X(SSL_set_fd) \
	X(SSL_set_num_tickets) \
	X(SSL_shutdown) \
	X(SSL_write_ex) \
	X(TLS_client_method) \
	X(TLS_server_method) \
	X(X509V3_EXT_conf_nid) \
	X(X509V3_set_ctx) \
	X(X509_EXTENSION_free) \
	X(X509_NAME_add_entry_by_txt) \
	X(X509_VERIFY_PARAM_set1_ip_asc) \
	X(X509_add_ext) \
	X(X509_digest) \
	X(X509_free) \
	X(X509_get_serialNumber) \
	X(X509_get_subject_name) \
	X(X509_getm_notAfter) \
	X(X509_getm_notBefore) \
	X(X509_gmtime_adj) \
	X(X509_new) \
	X(X509_set_issuer_name) \
	X(X509_set_pubkey) \
	X(X509_set_version) \
	X(X509_sign) \
	X(X509_verify_cert_error_string)

#define X(f)	extern __typeof__(f) *ossl_##f;
OSSL_SYMS
#undef X

/* Load the library once; -1 with the loader's reason in err. */
int	ossl_load(char *err, size_t errlen);

#define ASN1_INTEGER_set	(*ossl_ASN1_INTEGER_set)
#define ERR_clear_error	(*ossl_ERR_clear_error)
#define ERR_peek_error	(*ossl_ERR_peek_error)
#define ERR_peek_last_error	(*ossl_ERR_peek_last_error)
#define ERR_reason_error_string	(*ossl_ERR_reason_error_string)
#define EVP_PKEY_Q_keygen	(*ossl_EVP_PKEY_Q_keygen)
#define EVP_PKEY_free	(*ossl_EVP_PKEY_free)
#define EVP_sha256	(*ossl_EVP_sha256)
#define RAND_bytes	(*ossl_RAND_bytes)
#define SSL_CIPHER_get_name	(*ossl_SSL_CIPHER_get_name)
#define SSL_CTX_check_private_key	(*ossl_SSL_CTX_check_private_key)
#define SSL_CTX_ctrl	(*ossl_SSL_CTX_ctrl)
#define SSL_CTX_free	(*ossl_SSL_CTX_free)
#define SSL_CTX_load_verify_locations	(*ossl_SSL_CTX_load_verify_locations)
#define SSL_CTX_new	(*ossl_SSL_CTX_new)
#define SSL_CTX_set_alpn_protos	(*ossl_SSL_CTX_set_alpn_protos)
#define SSL_CTX_set_alpn_select_cb	(*ossl_SSL_CTX_set_alpn_select_cb)
#define SSL_CTX_set_client_CA_list	(*ossl_SSL_CTX_set_client_CA_list)
#define SSL_CTX_set_default_read_buffer_len	(*ossl_SSL_CTX_set_default_read_buffer_len)
#define SSL_CTX_set_default_verify_paths	(*ossl_SSL_CTX_set_default_verify_paths)
#define SSL_CTX_set_session_id_context	(*ossl_SSL_CTX_set_session_id_context)
#define SSL_CTX_set_verify	(*ossl_SSL_CTX_set_verify)
#define SSL_CTX_use_PrivateKey	(*ossl_SSL_CTX_use_PrivateKey)
#define SSL_CTX_use_PrivateKey_file	(*ossl_SSL_CTX_use_PrivateKey_file)
#define SSL_CTX_use_certificate	(*ossl_SSL_CTX_use_certificate)
#define SSL_CTX_use_certificate_chain_file	(*ossl_SSL_CTX_use_certificate_chain_file)
#define SSL_ctrl	(*ossl_SSL_ctrl)
#define SSL_do_handshake	(*ossl_SSL_do_handshake)
#define SSL_free	(*ossl_SSL_free)
#define SSL_get0_alpn_selected	(*ossl_SSL_get0_alpn_selected)
#define SSL_get0_param	(*ossl_SSL_get0_param)
#define SSL_get_current_cipher	(*ossl_SSL_get_current_cipher)
#define SSL_get_error	(*ossl_SSL_get_error)
#define SSL_get_shutdown	(*ossl_SSL_get_shutdown)
#define SSL_get_verify_result	(*ossl_SSL_get_verify_result)
#define SSL_get_version	(*ossl_SSL_get_version)
#define SSL_load_client_CA_file	(*ossl_SSL_load_client_CA_file)
#define SSL_new	(*ossl_SSL_new)
#define SSL_read_ex	(*ossl_SSL_read_ex)
#define SSL_select_next_proto	(*ossl_SSL_select_next_proto)
#define SSL_session_reused	(*ossl_SSL_session_reused)
#define SSL_set1_host	(*ossl_SSL_set1_host)
#define SSL_set_accept_state	(*ossl_SSL_set_accept_state)
#define SSL_set_connect_state	(*ossl_SSL_set_connect_state)
#define SSL_set_fd	(*ossl_SSL_set_fd)
#define SSL_set_num_tickets	(*ossl_SSL_set_num_tickets)
#define SSL_shutdown	(*ossl_SSL_shutdown)
#define SSL_write_ex	(*ossl_SSL_write_ex)
#define TLS_client_method	(*ossl_TLS_client_method)
#define TLS_server_method	(*ossl_TLS_server_method)
#define X509V3_EXT_conf_nid	(*ossl_X509V3_EXT_conf_nid)
#define X509V3_set_ctx	(*ossl_X509V3_set_ctx)
#define X509_EXTENSION_free	(*ossl_X509_EXTENSION_free)
#define X509_NAME_add_entry_by_txt	(*ossl_X509_NAME_add_entry_by_txt)
#define X509_VERIFY_PARAM_set1_ip_asc	(*ossl_X509_VERIFY_PARAM_set1_ip_asc)
#define X509_add_ext	(*ossl_X509_add_ext)
#define X509_digest	(*ossl_X509_digest)
#define X509_free	(*ossl_X509_free)
#define X509_get_serialNumber	(*ossl_X509_get_serialNumber)
#define X509_get_subject_name	(*ossl_X509_get_subject_name)
#define X509_getm_notAfter	(*ossl_X509_getm_notAfter)
#define X509_getm_notBefore	(*ossl_X509_getm_notBefore)
#define X509_gmtime_adj	(*ossl_X509_gmtime_adj)
#define X509_new	(*ossl_X509_new)
#define X509_set_issuer_name	(*ossl_X509_set_issuer_name)
#define X509_set_pubkey	(*ossl_X509_set_pubkey)
#define X509_set_version	(*ossl_X509_set_version)
#define X509_sign	(*ossl_X509_sign)
#define X509_verify_cert_error_string	(*ossl_X509_verify_cert_error_string)

#endif
