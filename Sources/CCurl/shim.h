#ifndef SLUICE_CCURL_SHIM_H
#define SLUICE_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
// These typed wrappers are the only way the Swift code touches them.
static inline CURLcode sluice_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sluice_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sluice_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sluice_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sluice_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*sluice_curl_io_callback)(char *buffer, size_t size, size_t count, void *context);
static inline CURLcode sluice_curl_setopt_callback(CURL *handle, CURLoption option, sluice_curl_io_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode sluice_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode sluice_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

// Rewinding an upload body when libcurl retries a request on a fresh connection.
typedef int (*sluice_curl_seek_callback)(void *context, curl_off_t offset, int origin);
static inline CURLcode sluice_curl_setopt_seek_callback(CURL *handle, CURLoption option, sluice_curl_seek_callback value) {
    return curl_easy_setopt(handle, option, value);
}

// Progress callback (CURLOPT_XFERINFOFUNCTION): returning non-zero aborts the transfer (cancellation).
typedef int (*sluice_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                             curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode sluice_curl_setopt_xferinfo_callback(CURL *handle, CURLoption option, sluice_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, option, value);
}

// Macros Swift does not import (casts and shifts), as constants.
static const long sluice_curl_global_all = CURL_GLOBAL_ALL;
static const long sluice_curl_auth_basic = (long)CURLAUTH_BASIC;
static const size_t sluice_curl_readfunc_abort = CURL_READFUNC_ABORT;
static const int sluice_curl_seekfunc_ok = CURL_SEEKFUNC_OK;
static const int sluice_curl_seekfunc_cantseek = CURL_SEEKFUNC_CANTSEEK;
#endif
