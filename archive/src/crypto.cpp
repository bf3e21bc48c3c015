// OpenSSL 3 behind the archive stage: hashing, CMS signing and verification, RFC 3161 time-stamps, the GOST
// engine. The engine API is deprecated in OpenSSL 3 but is the only way to GOST R 34.10-2012 keys on Debian
// 12 (tech-notes §4.3), hence OPENSSL_SUPPRESS_DEPRECATED.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "crypto.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7err.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"

namespace ejournal::archive::detail {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr memBio(std::string_view bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string bioToString(BIO* b) {
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  return std::string(p, static_cast<size_t>(n));
}

std::string readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Input, path, "файл не найден или не читается");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string nameOneLine(const X509_NAME* n) {
  BioPtr b(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(b.get(), n, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  return bioToString(b.get());
}

std::time_t asn1ToTime(const ASN1_TIME* t) {
  struct tm tmv {};
  if (!ASN1_TIME_to_tm(t, &tmv)) return 0;
  return timegm(&tmv);
}

std::string algorithmOf(EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA) return "RSA";
  if (id == EVP_PKEY_EC) return "ECDSA";
  const char* sn = OBJ_nid2sn(id);
  std::string s = sn ? sn : "";
  if (s.rfind("gost", 0) == 0) return "ГОСТ Р 34.10-2012";
  return s.empty() ? "?" : s;
}

bool isGostKey(EVP_PKEY* key) {
  const char* sn = OBJ_nid2sn(EVP_PKEY_get_base_id(key));
  return sn && std::strncmp(sn, "gost", 4) == 0;
}

struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;

// A trust store from PEM files; nullptr when no files are given. Throws Error(Input) for an unreadable file.
StorePtr loadStore(const std::vector<std::string>& caFiles) {
  if (caFiles.empty()) return nullptr;
  StorePtr st(X509_STORE_new());
  for (const auto& f : caFiles) {
    if (X509_STORE_load_file(st.get(), f.c_str()) != 1)
      throw Error(ErrorKind::Input, f, "не удалось прочитать доверенные сертификаты: " + takeOpenSslErrors());
  }
  return st;
}

// True when the CMS's digest algorithm is a GOST one (OID under 1.2.643), so the engine must be loaded to
// verify.
bool cmsUsesGost(std::string_view der) {
  static const unsigned char kGostOidPrefix[] = {0x06, 0x08, 0x2A, 0x85, 0x03, 0x07, 0x01};
  return std::string_view(der).find(std::string_view(reinterpret_cast<const char*>(kGostOidPrefix),
                                                     sizeof kGostOidPrefix)) != std::string_view::npos;
}

}  // namespace

std::string toHex(const unsigned char* p, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = kDigits[p[i] >> 4];
    s[2 * i + 1] = kDigits[p[i] & 15];
  }
  return s;
}

namespace {

// Russian for the OpenSSL reasons a user meets: wrong files, wrong passwords, a key that is not the
// certificate's, a signature or time stamp that does not match. Others are named by their codes.
std::string russianOpenSslReason(unsigned long e) {
  const int lib = ERR_GET_LIB(e);
  const int reason = ERR_GET_REASON(e);
  if (lib == ERR_LIB_SYS) return model::systemErrorText(reason);
  if (ERR_SYSTEM_ERROR(e)) return model::systemErrorText(ERR_GET_REASON(e));
  switch (lib) {
    case ERR_LIB_X509:
      if (reason == X509_R_KEY_VALUES_MISMATCH) return "ключ и сертификат не составляют пару";
      if (reason == X509_R_KEY_TYPE_MISMATCH) return "тип ключа не совпадает с типом ключа сертификата";
      if (reason == X509_R_CERT_ALREADY_IN_HASH_TABLE) return "сертификат указан дважды";
      break;
    case ERR_LIB_PEM:
      if (reason == PEM_R_NO_START_LINE) return "в файле нет данных PEM нужного вида";
      if (reason == PEM_R_BAD_DECRYPT || reason == PEM_R_BAD_PASSWORD_READ ||
          reason == PEM_R_PROBLEMS_GETTING_PASSWORD)
        return "неверный пароль ключа или пароль не задан";
      return "файл PEM повреждён";
    case ERR_LIB_EVP:
      if (reason == EVP_R_BAD_DECRYPT) return "неверный пароль ключа";
      if (reason == EVP_R_UNSUPPORTED_ALGORITHM || reason == EVP_R_UNSUPPORTED_PRIVATE_KEY_ALGORITHM)
        return "алгоритм ключа не поддерживается";
      break;
    case ERR_LIB_PKCS12:
      if (reason == PKCS12_R_MAC_VERIFY_FAILURE) return "неверный пароль файла PKCS#12";
      return "файл PKCS#12 повреждён";
    case ERR_LIB_ASN1:
      return "данные повреждены (неверная структура ASN.1)";
    case ERR_LIB_CMS:
      if (reason == CMS_R_CONTENT_VERIFY_ERROR) return "подписанные данные изменены";
      if (reason == CMS_R_VERIFICATION_FAILURE) return "подпись неверна";
      if (reason == CMS_R_CERTIFICATE_VERIFY_ERROR) return "сертификат подписавшего не заверен доверенным";
      if (reason == CMS_R_SIGNER_CERTIFICATE_NOT_FOUND) return "не найден сертификат подписавшего";
      if (reason == CMS_R_NO_MATCHING_DIGEST) return "хеш-функция подписи не поддерживается";
      break;
    case ERR_LIB_TS:
      if (reason == TS_R_MESSAGE_IMPRINT_MISMATCH) return "штамп времени выдан для других данных";
      if (reason == TS_R_NONCE_MISMATCH) return "штамп времени выдан на другой запрос";
      if (reason == TS_R_CERTIFICATE_VERIFY_ERROR) return "сертификат службы штампов не заверен доверенным";
      if (reason == TS_R_SIGNATURE_FAILURE) return "подпись штампа времени неверна";
      break;
    default:
      break;
  }
  return "ошибка OpenSSL (библиотека " + std::to_string(lib) + ", причина " + std::to_string(reason) + ")";
}

}  // namespace

bool OpenSslErrors::has(int lib, int reason) const {
  for (unsigned long e : codes)
    if (ERR_GET_LIB(e) == lib && ERR_GET_REASON(e) == reason) return true;
  return false;
}

OpenSslErrors takeOpenSslFailure() {
  OpenSslErrors out;
  const char* file = nullptr;
  int line = 0;
  const char* func = nullptr;
  const char* data = nullptr;
  int flags = 0;
  unsigned long e;
  while ((e = ERR_get_error_all(&file, &line, &func, &data, &flags)) != 0) {
    out.codes.push_back(e);
    const std::string russian = russianOpenSslReason(e);
    if (out.text.find(russian) == std::string::npos) out.text += (out.text.empty() ? "" : "; ") + russian;
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.english.empty()) out.english += "; ";
    const char* reason = ERR_reason_error_string(e);
    out.english += reason ? reason : buf;
    if (data && (flags & ERR_TXT_STRING) && *data) {
      out.english += " [";
      out.english += data;
      out.english += "]";
    }
  }
  if (out.text.empty()) out.text = "нет подробностей от OpenSSL";
  return out;
}

std::string takeOpenSslErrors() { return takeOpenSslFailure().text; }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1)
    throw Error(ErrorKind::Internal, "SHA-256", takeOpenSslErrors());
}
Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256::update(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(), bytes.size());
}
std::string Sha256::finishHex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out, &len);
  return toHex(out, len);
}

void ensureGostEngine() {
  static std::once_flag once;
  static bool ok = false;
  static std::string error;
  std::call_once(once, [] {
    ENGINE_load_builtin_engines();
    ENGINE* e = ENGINE_by_id("gost");
    if (!e) {
      error = takeOpenSslErrors();
      return;
    }
    if (!ENGINE_init(e)) {
      error = takeOpenSslErrors();
      ENGINE_free(e);
      return;
    }
    ENGINE_set_default(e, ENGINE_METHOD_ALL);
    ENGINE_finish(e);
    ENGINE_free(e);
    ok = true;
  });
  if (!ok)
    throw Error(ErrorKind::Internal, "модуль ГОСТ",
                "модуль ГОСТ для OpenSSL не загружен (пакет libengine-gost-openssl): " + error);
}

struct LoadedSigner::Impl {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509) * chain = nullptr;
  ~Impl() {
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
  }
};

namespace {

int passwordCallback(char* buf, int size, int, void* u) {
  const auto* pw = static_cast<const std::string*>(u);
  if (!pw || pw->empty()) return 0;
  int n = std::min<int>(size, static_cast<int>(pw->size()));
  std::memcpy(buf, pw->data(), static_cast<size_t>(n));
  return n;
}

bool looksPem(const std::string& bytes) { return bytes.find("-----BEGIN") != std::string::npos; }

}  // namespace

LoadedSigner::LoadedSigner(const SignerConfig& config) : impl_(std::make_unique<Impl>()) {
  if (config.engine == KeyEngine::Gost) ensureGostEngine();
  ERR_clear_error();
  std::string keyBytes = readWholeFile(config.keyPath);
  std::string password = config.password;
  if (looksPem(keyBytes)) {
    auto tryLoad = [&] {
      BioPtr b = memBio(keyBytes);
      return PEM_read_bio_PrivateKey(b.get(), nullptr, passwordCallback, &password);
    };
    impl_->key = tryLoad();
    if (!impl_->key && config.engine == KeyEngine::Default) {
      // A GOST key cannot be decoded without the engine: load it when available and try once more.
      std::string first = takeOpenSslErrors();
      try {
        ensureGostEngine();
        impl_->key = tryLoad();
      } catch (const Error&) {
      }
      if (!impl_->key)
        throw Error(ErrorKind::Input, config.keyPath, "не удалось прочитать закрытый ключ: " + first);
    }
    if (!impl_->key)
      throw Error(ErrorKind::Input, config.keyPath,
                  "не удалось прочитать закрытый ключ: " + takeOpenSslErrors());
    if (config.certPath.empty())
      throw Error(ErrorKind::Input, config.keyPath, "для ключа в формате PEM нужен сертификат (--cert)");
  } else {
    BioPtr b = memBio(keyBytes);
    PKCS12* p12 = d2i_PKCS12_bio(b.get(), nullptr);
    if (!p12)
      throw Error(ErrorKind::Input, config.keyPath,
                  "файл ключа не является ни PEM, ни PKCS#12: " + takeOpenSslErrors());
    bool ok = PKCS12_parse(p12, password.c_str(), &impl_->key, &impl_->cert, &impl_->chain) == 1;
    PKCS12_free(p12);
    if (!ok || !impl_->key)
      throw Error(ErrorKind::Input, config.keyPath,
                  "не удалось открыть PKCS#12 (неверный пароль?): " + takeOpenSslErrors());
  }
  if (!config.certPath.empty()) {
    std::string certBytes = readWholeFile(config.certPath);
    BioPtr b = memBio(certBytes);
    X509* c = looksPem(certBytes) ? PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr)
                                  : d2i_X509_bio(b.get(), nullptr);
    if (!c)
      throw Error(ErrorKind::Input, config.certPath,
                  "не удалось прочитать сертификат: " + takeOpenSslErrors());
    X509_free(impl_->cert);
    impl_->cert = c;
  }
  if (!impl_->cert) throw Error(ErrorKind::Input, config.keyPath, "в файле PKCS#12 нет сертификата");
  if (X509_check_private_key(impl_->cert, impl_->key) != 1)
    throw Error(ErrorKind::Input, config.certPath.empty() ? config.keyPath : config.certPath,
                "сертификат не соответствует закрытому ключу");
  if (!impl_->chain) impl_->chain = sk_X509_new_null();
  for (const auto& path : config.chainPaths) {
    std::string bytes = readWholeFile(path);
    BioPtr b = memBio(bytes);
    int n = 0;
    while (X509* c = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr)) {
      sk_X509_push(impl_->chain, c);
      ++n;
    }
    ERR_clear_error();  // the end of the PEM stream is reported as an error
    if (n == 0) throw Error(ErrorKind::Input, path, "в файле цепочки нет сертификатов PEM");
  }
}

LoadedSigner::~LoadedSigner() = default;

std::string LoadedSigner::subject() const { return nameOneLine(X509_get_subject_name(impl_->cert)); }

std::string LoadedSigner::sign(std::string_view content) const {
  ERR_clear_error();
  const EVP_MD* md = EVP_sha256();
  if (isGostKey(impl_->key)) {
    md = EVP_get_digestbyname("md_gost12_256");
    if (EVP_PKEY_bits(impl_->key) > 256) md = EVP_get_digestbyname("md_gost12_512");
    if (!md)
      throw Error(ErrorKind::Internal, "подпись манифеста",
                  "нет хеш-функции Стрибог: " + takeOpenSslErrors());
  }
  unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL;
  CMS_ContentInfo* cms = CMS_sign(nullptr, nullptr, impl_->chain, nullptr, flags);
  if (!cms) throw Error(ErrorKind::Internal, "подпись манифеста", takeOpenSslErrors());
  std::unique_ptr<CMS_ContentInfo, decltype(&CMS_ContentInfo_free)> guard(cms, CMS_ContentInfo_free);
  if (!CMS_add1_signer(cms, impl_->cert, impl_->key, md, flags))
    throw Error(ErrorKind::Internal, "подпись манифеста",
                "не удалось подписать манифест: " + takeOpenSslErrors());
  BioPtr data = memBio(content);
  if (CMS_final(cms, data.get(), nullptr, flags) != 1)
    throw Error(ErrorKind::Internal, "подпись манифеста",
                "не удалось подписать манифест: " + takeOpenSslErrors());
  BioPtr out(BIO_new(BIO_s_mem()));
  if (i2d_CMS_bio(out.get(), cms) != 1)
    throw Error(ErrorKind::Internal, "подпись манифеста", takeOpenSslErrors());
  return bioToString(out.get());
}

CmsResult cmsVerify(std::string_view der, std::string_view content, const std::vector<std::string>& caFiles,
                    std::optional<std::time_t> atTime) {
  CmsResult r;
  ERR_clear_error();
  if (cmsUsesGost(der)) {
    try {
      ensureGostEngine();
    } catch (const Error& e) {
      r.error = e.message();
      return r;
    }
  }
  BioPtr in = memBio(der);
  CMS_ContentInfo* cms = d2i_CMS_bio(in.get(), nullptr);
  if (!cms) {
    r.error = "подпись не читается (повреждена структура CMS): " + takeOpenSslErrors();
    return r;
  }
  std::unique_ptr<CMS_ContentInfo, decltype(&CMS_ContentInfo_free)> guard(cms, CMS_ContentInfo_free);
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
  if (!infos || sk_CMS_SignerInfo_num(infos) != 1) {
    r.error = "в подписи должен быть ровно один подписант";
    return r;
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
  int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (idx >= 0) {
    X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, idx);
    ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(attr, 0);
    if (t && (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME))
      r.signingTime = asn1ToTime(reinterpret_cast<const ASN1_TIME*>(t->value.asn1_string));
  }
  STACK_OF(X509)* certs = CMS_get1_certs(cms);
  for (int i = 0; certs && i < sk_X509_num(certs); ++i) {
    BioPtr b(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(b.get(), sk_X509_value(certs, i));
    r.certificatesPem.push_back(bioToString(b.get()));
  }
  sk_X509_pop_free(certs, X509_free);

  StorePtr store;
  try {
    store = loadStore(caFiles);
  } catch (const Error& e) {
    r.error = e.what();
    return r;
  }
  unsigned flags = CMS_BINARY;
  if (store) {
    X509_VERIFY_PARAM* vp = X509_STORE_get0_param(store.get());
    X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_ANY);
    std::optional<std::time_t> when = atTime ? atTime : r.signingTime;
    if (when) X509_VERIFY_PARAM_set_time(vp, *when);
  } else {
    flags |= CMS_NO_SIGNER_CERT_VERIFY;
  }
  BioPtr data = memBio(content);
  int ok = CMS_verify(cms, nullptr, store.get(), data.get(), nullptr, flags);
  STACK_OF(X509)* signers = CMS_get0_signers(cms);
  if (signers && sk_X509_num(signers) > 0) {
    X509* c = sk_X509_value(signers, 0);
    r.subject = nameOneLine(X509_get_subject_name(c));
    if (EVP_PKEY* pk = X509_get0_pubkey(c)) r.algorithm = algorithmOf(pk);
  }
  sk_X509_free(signers);
  if (ok == 1) {
    r.signatureOk = true;
    r.trusted = store != nullptr;
  } else {
    const OpenSslErrors failure = takeOpenSslFailure();
    r.error = failure.has(ERR_LIB_CMS, CMS_R_CONTENT_VERIFY_ERROR) ||
                      failure.has(ERR_LIB_PKCS7, PKCS7_R_DIGEST_FAILURE)
                  ? "подпись не соответствует манифесту: " + failure.text
                  : "подпись не прошла проверку: " + failure.text;
  }
  return r;
}

std::string tsRequest(std::string_view data, uint64_t nonce) {
  ERR_clear_error();
  unsigned char digest[32];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  TS_REQ* req = TS_REQ_new();
  TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR* algo = X509_ALGOR_new();
  X509_ALGOR_set0(algo, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
  TS_MSG_IMPRINT_set_algo(imprint, algo);
  TS_MSG_IMPRINT_set_msg(imprint, digest, sizeof digest);
  TS_REQ_set_version(req, 1);
  TS_REQ_set_msg_imprint(req, imprint);
  ASN1_INTEGER* n = ASN1_INTEGER_new();
  ASN1_INTEGER_set_uint64(n, nonce);
  TS_REQ_set_nonce(req, n);
  TS_REQ_set_cert_req(req, 1);
  BioPtr out(BIO_new(BIO_s_mem()));
  int ok = i2d_TS_REQ_bio(out.get(), req);
  ASN1_INTEGER_free(n);
  X509_ALGOR_free(algo);
  TS_MSG_IMPRINT_free(imprint);
  TS_REQ_free(req);
  if (ok != 1)
    throw Error(ErrorKind::Internal, "штамп времени",
                "не удалось составить запрос штампа времени: " + takeOpenSslErrors());
  return bioToString(out.get());
}

TsResult tsVerify(std::string_view replyDer, std::string_view data, const std::vector<std::string>& caFiles,
                  std::optional<uint64_t> nonce) {
  TsResult r;
  ERR_clear_error();
  BioPtr in = memBio(replyDer);
  TS_RESP* resp = d2i_TS_RESP_bio(in.get(), nullptr);
  if (!resp) {
    r.error = "штамп времени не читается: " + takeOpenSslErrors();
    return r;
  }
  std::unique_ptr<TS_RESP, decltype(&TS_RESP_free)> guard(resp, TS_RESP_free);
  TS_STATUS_INFO* status = TS_RESP_get_status_info(resp);
  long st = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status));
  if (st != 0 && st != 1) {
    r.error = "служба штампов времени отказала (статус " + std::to_string(st) + ")";
    return r;
  }
  TS_TST_INFO* info = TS_RESP_get_tst_info(resp);
  if (!info) {
    r.error = "в ответе нет штампа времени";
    return r;
  }
  r.genTime = asn1ToTime(TS_TST_INFO_get_time(info));
  StorePtr store;
  try {
    store = loadStore(caFiles);
  } catch (const Error& e) {
    r.error = e.what();
    return r;
  }
  TS_VERIFY_CTX* ctx = TS_VERIFY_CTX_new();
  int vflags = TS_VFY_VERSION | TS_VFY_DATA;
  if (store) {
    vflags |= TS_VFY_SIGNATURE | TS_VFY_SIGNER;
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), *r.genTime);
    TS_VERIFY_CTX_set_store(ctx, store.release());  // the ctx owns it
  }
  if (nonce) {
    // OpenSSL 3.0 has no setter for the expected nonce: compare it here.
    const ASN1_INTEGER* n = TS_TST_INFO_get_nonce(info);
    uint64_t got = 0;
    if (!n || ASN1_INTEGER_get_uint64(&got, n) != 1 || got != *nonce) {
      TS_VERIFY_CTX_free(ctx);
      r.error = "штамп времени не ответ на наш запрос (nonce не совпадает)";
      return r;
    }
  }
  TS_VERIFY_CTX_set_flags(ctx, vflags);
  TS_VERIFY_CTX_set_data(ctx, BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  int ok = TS_RESP_verify_response(ctx, resp);
  TS_VERIFY_CTX_free(ctx);
  if (ok == 1) {
    r.ok = true;
    r.trusted = (vflags & TS_VFY_SIGNATURE) != 0;
  } else {
    const OpenSslErrors failure = takeOpenSslFailure();
    r.error = failure.has(ERR_LIB_TS, TS_R_MESSAGE_IMPRINT_MISMATCH)
                  ? "штамп времени выдан не для этой подписи: " + failure.text
                  : "штамп времени не прошёл проверку: " + failure.text;
  }
  return r;
}

std::string tsaPost(const std::string& url, const std::string& query) {
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "http")
      throw Error(ErrorKind::Input, url, "поддерживается только адрес службы штампов времени вида http://");
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(30, 0));
    std::string path = uri.getPathAndQuery();
    if (path.empty()) path = "/";
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/timestamp-query");
    request.setContentLength(static_cast<std::streamsize>(query.size()));
    session.sendRequest(request) << query;
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    std::string reply;
    Poco::StreamCopier::copyToString(body, reply);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
      throw Error(ErrorKind::Internal, url,
                  "служба штампов времени ответила " +
                      std::to_string(static_cast<int>(response.getStatus())) + " " + response.getReason());
    return reply;
  } catch (const Poco::Exception& e) {
    throw Error(ErrorKind::Internal, url, "служба штампов времени недоступна: " + e.displayText());
  }
}

uint64_t randomNonce() {
  uint64_t n = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&n), sizeof n) != 1)
    throw Error(ErrorKind::Internal, "случайные числа", takeOpenSslErrors());
  return n >> 1;  // positive as a signed 64-bit INTEGER
}

}  // namespace ejournal::archive::detail
