/* SPDX-License-Identifier: MIT */
/*
 * SNP ID block: what the ID key signs and how signature and key are encoded.
 * The AMD SEV-SNP Firmware ABI specification (56860, SNP_LAUNCH_FINISH:
 * ID_BLOCK and ID_AUTH_INFO tables) was not available; the facts below agree
 * in every source that was read:
 *
 *  - AMDESE/sev-guest include/id-block.h, include/sev-ecdsa.h,
 *    src/id-block.c, src/sev-ecdsa.c (AMD's own tool): the ID key signs the
 *    whole 96-byte ID block (ld[48], family_id[16], image_id[16], u32
 *    version, u32 guest_svn, u64 policy) with ECDSA P-384 over SHA-384;
 *    r and s are reversed from OpenSSL's big-endian into little-endian
 *    72-byte fields; the public key is curve 2 (P-384) with Qx and Qy
 *    reversed the same way; SEV_ALGO_ECDSA_P384_SHA384 = 1, ID_BLK_VERSION 1.
 *  - virtee/sev src/measurement/idblock_types.rs: the same layout and
 *    constants (DEFAULT_ID_VERSION 1, DEFAULT_KEY_ALGO 1, CURVE_P384 2, r, s,
 *    Qx, Qy padded to 72 bytes then reversed).
 *  - QEMU backends/igvm.c, directive_snp_id_block() and handle_policy(): the
 *    firmware gets ld, family_id, image_id and guest_svn from the IGVM
 *    record, version forced to 1, and the policy of the GUEST_POLICY header;
 *    signature and key are copied as they are.
 *  - microsoft/igvm igvm_defs IGVM_VHS_SNP_ID_BLOCK: without an author key
 *    the author fields must be zero.
 *  - coconut-svsm tools/igvmmeasure/src/id_block.rs: the same choices.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <svsm/lib/string.h>

#include "igvmmeasure.h"

#define P384_BYTES 48

int tool_fail(struct tool_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return -1;
}

/* Never prompt on the terminal for the password of an encrypted key. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

static bool is_p384(EVP_PKEY *key)
{
	char group[32];

	return EVP_PKEY_is_a(key, "EC") &&
	       EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) &&
	       !strcmp(group, "secp384r1");
}

EVP_PKEY *snp_load_key(const char *path, struct tool_error *e)
{
	EVP_PKEY *key;
	FILE *fp = fopen(path, "r");

	if (!fp) {
		tool_fail(e, "%s: %s", path, strerror(errno));
		return NULL;
	}
	key = PEM_read_PrivateKey(fp, NULL, no_password, NULL);
	fclose(fp);
	ERR_clear_error();
	if (!key) {
		tool_fail(e, "%s: not a PEM private key (or an encrypted one)",
			  path);
		return NULL;
	}
	if (!is_p384(key)) {
		tool_fail(e,
			  "%s: not an ECDSA P-384 key (SNP ID keys use curve secp384r1)",
			  path);
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

void snp_id_block_body(const struct igvm_vhs_snp_id_block *b, u64 policy,
		       struct snp_id_block_body *body)
{
	memcpy(body->ld, b->ld, sizeof(body->ld));
	memcpy(body->family_id, b->family_id, sizeof(body->family_id));
	memcpy(body->image_id, b->image_id, sizeof(body->image_id));
	body->version = SNP_ID_BLOCK_VERSION;
	body->guest_svn = b->guest_svn;
	body->policy = policy;
}

/* The firmware's ECDSA components are little-endian, zero padded to 72. */
static bool bn_to_le72(const BIGNUM *bn, u8 out[SNP_ECDSA_COMPONENT_SIZE])
{
	return BN_bn2lebinpad(bn, out, SNP_ECDSA_COMPONENT_SIZE) ==
	       SNP_ECDSA_COMPONENT_SIZE;
}

static int sign_body(const struct snp_id_block_body *body, EVP_PKEY *key,
		     struct igvm_snp_id_block_signature *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const BIGNUM *r, *s;
	ECDSA_SIG *es = NULL;
	u8 der[256];
	const u8 *p = der;
	size_t len = sizeof(der);
	int ret = -1;

	if (ctx &&
	    EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, der, &len, (const u8 *)body,
			   sizeof(*body)) == 1) {
		es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	}
	if (es) {
		ECDSA_SIG_get0(es, &r, &s);
		if (bn_to_le72(r, sig->r_comp) && bn_to_le72(s, sig->s_comp)) {
			ret = 0;
		}
	}
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	return ret;
}

static int public_key(EVP_PKEY *key, struct igvm_snp_id_block_public_key *pk)
{
	BIGNUM *x = NULL, *y = NULL;
	int ret = -1;

	memset(pk, 0, sizeof(*pk));
	pk->curve = SNP_CURVE_P384;
	if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
	    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
	    bn_to_le72(x, pk->qx) && bn_to_le72(y, pk->qy)) {
		ret = 0;
	}
	BN_free(x);
	BN_free(y);
	return ret;
}

int snp_id_block_build(struct igvm_vhs_snp_id_block *b, u32 mask,
		       const u8 digest[SNP_DIGEST_SIZE],
		       const struct snp_id_params *p, u64 policy,
		       EVP_PKEY *key, struct tool_error *e)
{
	struct snp_id_block_body body;

	memset(b, 0, sizeof(*b));
	b->compatibility_mask = mask;
	memcpy(b->ld, digest, SNP_DIGEST_SIZE);
	memcpy(b->family_id, p->family_id, sizeof(b->family_id));
	memcpy(b->image_id, p->image_id, sizeof(b->image_id));
	b->version = p->version;
	b->guest_svn = p->guest_svn;
	b->id_key_algorithm = SNP_ALGO_ECDSA_P384_SHA384;
	snp_id_block_body(b, policy, &body);
	if (sign_body(&body, key, &b->id_key_signature) ||
	    public_key(key, &b->id_public_key)) {
		ERR_clear_error();
		return tool_fail(e, "signing the ID block failed");
	}
	return 0;
}

/* Qx and Qy are P-384 coordinates: the top 24 of their 72 bytes are zero. */
static bool le72_to_be48(const u8 in[SNP_ECDSA_COMPONENT_SIZE],
			 u8 out[P384_BYTES])
{
	if (!mem_is_zero(in + P384_BYTES,
			 SNP_ECDSA_COMPONENT_SIZE - P384_BYTES)) {
		return false;
	}
	for (int i = 0; i < P384_BYTES; i++) {
		out[i] = in[P384_BYTES - 1 - i];
	}
	return true;
}

static EVP_PKEY *block_key(const struct igvm_snp_id_block_public_key *pk)
{
	char group[] = "secp384r1";
	u8 point[1 + 2 * P384_BYTES];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;

	/* SEC1 uncompressed point: 0x04 || X || Y, big-endian. */
	point[0] = 0x04;
	if (pk->curve != SNP_CURVE_P384 || !le72_to_be48(pk->qx, point + 1) ||
	    !le72_to_be48(pk->qy, point + 1 + P384_BYTES)) {
		return NULL;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(
		OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		key = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static bool verify_body(EVP_PKEY *key, const struct snp_id_block_body *body,
			const struct igvm_snp_id_block_signature *sig)
{
	BIGNUM *r = BN_lebin2bn(sig->r_comp, SNP_ECDSA_COMPONENT_SIZE, NULL);
	BIGNUM *s = BN_lebin2bn(sig->s_comp, SNP_ECDSA_COMPONENT_SIZE, NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *es = ECDSA_SIG_new();
	u8 *der = NULL;
	bool ok = false;
	int len = -1;

	if (r && s && es && ECDSA_SIG_set0(es, r, s) == 1) {
		r = s = NULL; /* now owned by es */
		len = i2d_ECDSA_SIG(es, &der);
	}
	if (len > 0 && ctx &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL, key) == 1) {
		ok = EVP_DigestVerify(ctx, der, (size_t)len, (const u8 *)body,
				      sizeof(*body)) == 1;
	}
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	EVP_MD_CTX_free(ctx);
	return ok;
}

bool snp_id_block_verify(const struct igvm_vhs_snp_id_block *b, u64 policy)
{
	struct snp_id_block_body body;
	EVP_PKEY *key;
	bool ok;

	if (b->id_key_algorithm != SNP_ALGO_ECDSA_P384_SHA384) {
		return false;
	}
	key = block_key(&b->id_public_key);
	if (!key) {
		ERR_clear_error();
		return false;
	}
	snp_id_block_body(b, policy, &body);
	ok = verify_body(key, &body, &b->id_key_signature);
	EVP_PKEY_free(key);
	ERR_clear_error();
	return ok;
}

/* --- lookups -------------------------------------------------------------- */

bool snp_find_policy(struct igvm_file *f, u32 snp_mask, u64 *policy)
{
	struct igvm_vhs_guest_policy gp;
	struct igvm_error err;
	struct igvm_record rec;
	struct igvm_iter it;
	bool found = false;

	igvm_iter_init(&it, f);
	while (igvm_next(&it, &rec, &err) == 1) {
		if (rec.type == IGVM_VHT_GUEST_POLICY &&
		    (igvm_record_mask(&rec) & snp_mask)) {
			memcpy(&gp, rec.body, sizeof(gp));
			*policy = gp.policy;
			found = true;
		}
	}
	return found;
}

bool snp_find_id_block(struct igvm_file *f, u32 snp_mask,
		       struct igvm_vhs_snp_id_block *out)
{
	struct igvm_error err;
	struct igvm_record rec;
	struct igvm_iter it;

	igvm_iter_init(&it, f);
	while (igvm_next(&it, &rec, &err) == 1) {
		if (rec.type == IGVM_VHT_SNP_ID_BLOCK &&
		    (igvm_record_mask(&rec) & snp_mask)) {
			memcpy(out, rec.body, sizeof(*out));
			return true;
		}
	}
	return false;
}
