//! Crate-level files: `lib.rs`, `client.rs`, `config.rs`, `error.rs`, `primitives.rs`,
//! `service.rs` and the module indexes.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{doc_attrs, docs_or, ident};
use crate::plan::{Plan, TypeDef};

/// `src/lib.rs`.
pub fn lib_rs(plan: &Plan) -> TokenStream {
    let mut docs = vec![
        format!(
            "Client for {} (API version {}).",
            plan.service.title, plan.service.version
        ),
        String::new(),
    ];
    docs.extend(plan.service.docs.iter().cloned());
    docs.extend([
        String::new(),
        "Generated from the service's Smithy model; every call goes through [`Client`]."
            .to_string(),
    ]);
    let inner_docs = docs.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! {
        #( #![doc = #inner_docs] )*
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        #![allow(deprecated)]

        pub mod client;
        pub mod config;
        pub mod error;
        pub mod operation;
        pub mod primitives;
        pub mod types;
        mod service;

        pub use client::Client;
        pub use config::Config;
        pub use error::Error;
    }
}

/// `src/client.rs`.
pub fn client_rs(plan: &Plan) -> TokenStream {
    let title = &plan.service.title;
    let client_doc = format!(
        " A client for {title}. Cheap to clone; clones share connections and configuration."
    );
    let methods = plan.operations.iter().map(|op| {
        let method = ident(&op.method);
        let module = ident(&op.module);
        let fluent = ident(&op.fluent_builder);
        let docs = docs_or(&op.docs, &format!("Calls the `{}` operation.", op.name));
        let deprecated = super::common::deprecated_attr(&op.deprecated);
        let hint = doc_attrs(&[String::new(), format!("Set the input with the builder's methods, then call `send()`; see [`crate::operation::{}`].", op.module)]);
        quote! {
            #docs
            #hint
            #deprecated
            pub fn #method(&self) -> crate::operation::#module::#fluent {
                crate::operation::#module::fluent_builder(self.handle.clone())
            }
        }
    });
    quote! {
        #![doc = " The service client."]

        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            handle: ::aws_client_runtime::client::Handle,
        }

        impl Client {
            /// Creates a client from an explicit configuration.
            pub fn new(config: crate::Config) -> Self {
                Self { handle: ::aws_client_runtime::client::Handle::new(config, &crate::service::SERVICE) }
            }

            /// Creates a client configured from the environment and shared config files, as the
            /// AWS CLI does (region, credentials, endpoint URL, retry settings). A malformed
            /// shared file or an invalid setting makes every call fail with that error; see
            /// [`try_from_env`](Self::try_from_env).
            pub async fn from_env() -> Self {
                Self::new(crate::config::load_from_env().await)
            }

            /// Like [`from_env`](Self::from_env), but a malformed shared file or an invalid
            /// setting (`AWS_MAX_ATTEMPTS=abc`...) is returned now instead of failing every call.
            pub async fn try_from_env() -> Result<Self, crate::config::ConfigError> {
                Ok(Self::new(crate::config::ConfigLoader::default().try_load().await?))
            }

            /// The configuration this client was made with.
            pub fn config(&self) -> &crate::Config {
                self.handle.config()
            }

            #(#methods)*
        }
    }
}

/// `src/config.rs`.
pub fn config_rs() -> TokenStream {
    quote! {
        #![doc = " Client configuration: region, credentials, endpoint, retries, timeouts and the HTTP client."]

        pub use ::aws_client_runtime::config::{load_from_env, Config, ConfigBuilder, ConfigError, ConfigLoader, TimeoutConfig};
        pub use ::aws_client_runtime::credentials::{
            Credentials, CredentialsError, DefaultCredentialsChain, EnvironmentVariableCredentialsProvider,
            ProfileFileCredentialsProvider, ProvideCredentials,
        };
        pub use ::aws_client_runtime::region::Region;
        pub use ::aws_client_runtime::retry::RetryConfig;
        /// The HTTP boundary: implement [`HttpClient`](transport::HttpClient) to send requests
        /// with another HTTP stack, or share one [`HyperClient`](transport::HyperClient)
        /// between clients.
        pub use ::aws_client_runtime::transport;
    }
}

/// `src/primitives.rs`.
pub fn primitives_rs() -> TokenStream {
    quote! {
        #![doc = " Value types used by the generated shapes."]

        pub use ::aws_client_runtime::{Blob, DateTime, Document, UnknownValue};
    }
}

/// `src/error.rs`: the runtime's error model plus one enum over every modelled error.
pub fn error_rs(plan: &Plan) -> TokenStream {
    let variants = plan.errors.iter().map(|e| {
        let name = ident(&e.name);
        let docs = docs_or(&e.docs, &format!("The `{}` error.", e.shape_id));
        quote! { #docs #name(crate::types::error::#name), }
    });
    let names: Vec<_> = plan.errors.iter().map(|e| ident(&e.name)).collect();
    let from_ops = plan.operations.iter().map(|op| {
        let module = ident(&op.module);
        let op_error = ident(&op.error);
        let arms = op.errors.iter().map(|e| {
            let v = ident(&e.variant);
            let t = ident(&e.variant);
            quote! { crate::operation::#module::#op_error::#v(e) => Error::#t(e), }
        });
        quote! {
            impl From<crate::operation::#module::#op_error> for Error {
                fn from(err: crate::operation::#module::#op_error) -> Self {
                    match err {
                        #(#arms)*
                        crate::operation::#module::#op_error::Unhandled(e) => Error::Unhandled(e),
                    }
                }
            }

            impl From<::aws_client_runtime::SdkError<crate::operation::#module::#op_error>> for Error {
                fn from(err: ::aws_client_runtime::SdkError<crate::operation::#module::#op_error>) -> Self {
                    match err {
                        ::aws_client_runtime::SdkError::ServiceError(e) => e.err.into(),
                        other => Error::Other(Box::new(other)),
                    }
                }
            }
        }
    });
    quote! {
        #![doc = " Errors: the runtime's error model, and [`Error`], which any operation's error converts into."]

        pub use ::aws_client_runtime::{BuildError, ErrorMetadata, ProvideErrorMetadata, SdkError, Unhandled};

        /// Every modelled error of the service, plus unmodelled and non-service failures, so that
        /// code calling several operations can use one error type with `?`.
        #[non_exhaustive]
        #[derive(Debug)]
        pub enum Error {
            #(#variants)*
            /// An error code the model does not describe.
            Unhandled(Unhandled),
            /// A failure before a service answer could be read (construction, timeout, I/O, unreadable response).
            Other(Box<dyn std::error::Error + Send + Sync + 'static>),
        }

        impl std::fmt::Display for Error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #( Error::#names(e) => std::fmt::Display::fmt(e, f), )*
                    Error::Unhandled(e) => std::fmt::Display::fmt(e, f),
                    Error::Other(e) => std::fmt::Display::fmt(e, f),
                }
            }
        }

        // Transparent: each variant displays as its inner error, so the source is the inner
        // error's source, and a report walking the chain prints every message once.
        impl std::error::Error for Error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    #( Error::#names(e) => std::error::Error::source(e), )*
                    Error::Unhandled(e) => std::error::Error::source(e),
                    Error::Other(e) => e.source(),
                }
            }
        }

        #(#from_ops)*
    }
}

/// `src/service.rs`: what the runtime needs to know about the service.
pub fn service_rs(plan: &Plan) -> Result<TokenStream, String> {
    let s = &plan.service;
    let rule_set_json = serde_json::to_string_pretty(&s.rule_set).map_err(|e| e.to_string())?;
    let mut hashes = String::from("#");
    while rule_set_json.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let literal: syn::LitStr = syn::parse_str(&format!("r{hashes}\"{rule_set_json}\"{hashes}"))
        .map_err(|e| format!("rule set literal: {e}"))?;
    let (prefix, signing, sdk_id, qc) = (
        &s.target_prefix,
        &s.signing_name,
        &s.sdk_id,
        s.query_compatible,
    );
    let version = match s.json_version.as_str() {
        "1.0" => quote!(V1_0),
        _ => quote!(V1_1),
    };
    let query_compatible = qc.then(|| quote!(.query_compatible(true)));
    Ok(quote! {
        #![doc = " Facts about the service that the runtime needs: protocol, signing and endpoint rules."]

        pub(crate) static SERVICE: ::aws_client_runtime::ServiceInfo = ::aws_client_runtime::ServiceInfo {
            signing_name: #signing,
            sdk_id: #sdk_id,
            endpoint_rule_set: ENDPOINT_RULE_SET,
            crate_name: env!("CARGO_PKG_NAME"),
            crate_version: env!("CARGO_PKG_VERSION"),
        };

        /// The wire protocol every operation of the service speaks.
        pub(crate) const PROTOCOL: ::aws_client_runtime::protocol::aws_json::AwsJson =
            ::aws_client_runtime::protocol::aws_json::AwsJson::new(
                ::aws_client_runtime::protocol::aws_json::AwsJsonVersion::#version,
                #prefix,
            )#query_compatible;

        /// The service's endpoint rule set, as modelled.
        const ENDPOINT_RULE_SET: &str = #literal;
    })
}

/// `src/types/mod.rs` and `src/types/error/mod.rs`, from (type, module) pairs and the
/// structures' (module, builder) pairs.
pub fn types_mod_rs(
    types: &[(&str, &str)],
    structs: &[(&str, &str)],
    doc: &str,
    with_error_mod: bool,
) -> TokenStream {
    let mods: Vec<_> = types.iter().map(|(_, m)| ident(m)).collect();
    let names: Vec<_> = types.iter().map(|(t, _)| ident(t)).collect();
    let struct_mods: Vec<_> = structs.iter().map(|(m, _)| ident(m)).collect();
    let builders: Vec<_> = structs.iter().map(|(_, b)| ident(b)).collect();
    let error_mod = with_error_mod.then(|| quote! { pub mod error; });
    quote! {
        #![doc = #doc]

        #( mod #mods; )*
        #( pub use #mods::#names; )*

        /// Builders of the structures in this module.
        pub mod builders {
            #( pub use super::#struct_mods::#builders; )*
        }

        #error_mod
    }
}

/// (module, builder) of the types that get builders (structures only).
pub fn struct_builders(types: &[TypeDef]) -> Vec<(&str, &str)> {
    types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Struct(s) => Some((s.module.as_str(), s.builder.as_str())),
            _ => None,
        })
        .collect()
}

/// `src/operation/mod.rs`.
pub fn operation_mod_rs(plan: &Plan) -> TokenStream {
    let mods = plan.operations.iter().map(|op| {
        let m = ident(&op.module);
        let docs = docs_or(&op.docs, &format!("The `{}` operation.", op.name));
        quote! { #docs pub mod #m; }
    });
    quote! {
        #![doc = " One module per operation: input, output, error, fluent builder and paginator."]
        #(#mods)*
    }
}
