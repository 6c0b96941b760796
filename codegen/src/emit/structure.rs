//! Structures: the struct, its accessors, its builder, and for errors the error impls.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{deprecated_attr, docs_or, field_ty, ident, serde_field_attrs, ty, REDACTED};
use crate::plan::{ErrorInfo, Field, RustType, Sparsity, StructDef, StructKind};

/// Wire names whose member holds an error's message.
const MESSAGE_MEMBERS: &[&str] = &["message", "Message", "errorMessage"];

fn message_field(s: &StructDef) -> Option<&Field> {
    s.fields.iter().find(|f| {
        MESSAGE_MEMBERS.contains(&f.binding.wire_name()) && f.ty == RustType::String && f.optional
    })
}

/// The struct, accessors, builder and (for errors) error trait impls.
pub fn emit(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let builder = ident(&s.builder);
    let error = s.kind.error();
    let is_error = error.is_some();
    let docs = docs_or(&s.docs, &format!("The `{}` structure.", s.shape_id));
    let deprecated = deprecated_attr(&s.deprecated);
    let sensitive = s.fields.iter().any(|f| f.sensitive);

    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let fty = field_ty(f);
        let fdocs = docs_or(&f.docs, &format!("The `{}` member.", f.member_name));
        let attrs = serde_field_attrs(f);
        let dep = deprecated_attr(&f.deprecated);
        quote! { #fdocs #dep #attrs pub #fname: #fty, }
    });
    let meta_field = is_error.then(|| {
        quote! {
            /// What the service said about this error: code, message, request id, status.
            #[serde(skip)]
            pub(crate) meta: ::aws_client_runtime::ErrorMetadata,
        }
    });
    let debug_derive = if sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let ser_derive = if is_error {
        quote! {}
    } else {
        quote! { serde::Serialize, }
    };
    let message = if is_error {
        message_field(s).map(|f| f.name.clone())
    } else {
        None
    };
    let accessors = s
        .fields
        .iter()
        .filter(|f| Some(&f.name) != message.as_ref())
        .map(accessor);

    let debug_impl = sensitive.then(|| debug_impl(&name, s, is_error));
    let builder_tokens = emit_builder(s, &builder, sensitive);
    let error_impls = error.map(|info| error_impls(info, &name, message.as_deref()));

    quote! {
        #docs
        #deprecated
        #[non_exhaustive]
        #[derive(Clone, PartialEq, Default, #debug_derive #ser_derive serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #meta_field
        }

        impl #name {
            /// Starts a builder.
            pub fn builder() -> #builder {
                #builder::default()
            }
            #(#accessors)*
        }

        #debug_impl
        #error_impls
        #builder_tokens
    }
}

fn accessor(f: &Field) -> TokenStream {
    let fname = ident(&f.name);
    let docs = docs_or(&f.docs, &format!("The `{}` member.", f.member_name));
    let dep = deprecated_attr(&f.deprecated);
    let inner = ty(&f.ty);
    let (ret, body) = match (&f.ty, f.optional) {
        (RustType::String, true) => (quote! { Option<&str> }, quote! { self.#fname.as_deref() }),
        (RustType::List(item, sparse), true) => {
            let item = ty(item);
            let item = if let Sparsity::Sparse = sparse {
                quote! { Option<#item> }
            } else {
                item
            };
            (
                quote! { &[#item] },
                quote! { self.#fname.as_deref().unwrap_or_default() },
            )
        }
        (t, true) if t.is_copy() => (quote! { Option<#inner> }, quote! { self.#fname }),
        (_, true) if f.boxed => (
            quote! { Option<&#inner> },
            quote! { self.#fname.as_deref() },
        ),
        (_, true) => (quote! { Option<&#inner> }, quote! { self.#fname.as_ref() }),
        (t, false) if t.is_copy() => (quote! { #inner }, quote! { self.#fname }),
        (RustType::String, false) => (quote! { &str }, quote! { &self.#fname }),
        (RustType::List(item, sparse), false) => {
            let item = ty(item);
            let item = if let Sparsity::Sparse = sparse {
                quote! { Option<#item> }
            } else {
                item
            };
            (quote! { &[#item] }, quote! { &self.#fname })
        }
        (_, false) => (quote! { &#inner }, quote! { &self.#fname }),
    };
    quote! {
        #docs
        #dep
        pub fn #fname(&self) -> #ret {
            #body
        }
    }
}

fn debug_impl(name: &proc_macro2::Ident, s: &StructDef, is_error: bool) -> TokenStream {
    let label = name.to_string();
    let entries = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let shown = f.label();
        if f.sensitive {
            quote! { .field(#shown, &#REDACTED) }
        } else {
            quote! { .field(#shown, &self.#fname) }
        }
    });
    let meta = is_error.then(|| quote! { .field("meta", &self.meta) });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* #meta .finish()
            }
        }
    }
}

fn error_impls(info: &ErrorInfo, name: &proc_macro2::Ident, message: Option<&str>) -> TokenStream {
    let code = &info.code;
    let message_body = match message {
        Some(m) => {
            let m = ident(m);
            quote! { self.#m.as_deref().or_else(|| self.meta.message()) }
        }
        None => quote! { self.meta.message() },
    };
    let retryable = info.retryable;
    let throttling = info.throttling;
    let fault = info.fault.as_str();
    quote! {
        impl #name {
            /// The error's message, from the modelled member or else the response.
            pub fn message(&self) -> Option<&str> {
                #message_body
            }

            /// Code, message, request id and status of the response.
            pub fn meta(&self) -> &::aws_client_runtime::ErrorMetadata {
                &self.meta
            }

            /// The error code on the wire.
            pub const CODE: &'static str = #code;

            /// Whether the model says `client` or `server` is at fault.
            pub const FAULT: &'static str = #fault;

            /// Whether the model marks this error as retryable.
            pub const RETRYABLE: bool = #retryable;

            /// Whether the model marks this error as throttling.
            pub const THROTTLING: bool = #throttling;

            /// Reads the error from an error response whose metadata was already parsed; members
            /// that cannot be read are left empty rather than losing the error.
            pub(crate) fn from_response(meta: ::aws_client_runtime::ErrorMetadata, body: &[u8]) -> Self {
                let mut error: Self = serde_json::from_slice(body).unwrap_or_default();
                error.meta = meta;
                error
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(Self::CODE)?;
                if let Some(message) = self.message() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
        }

        impl std::error::Error for #name {}

        impl ::aws_client_runtime::ProvideErrorMetadata for #name {
            fn meta(&self) -> &::aws_client_runtime::ErrorMetadata {
                &self.meta
            }
        }
    }
}

fn emit_builder(s: &StructDef, builder: &proc_macro2::Ident, sensitive: bool) -> TokenStream {
    let name = ident(&s.name);
    let is_error = s.kind.error().is_some();
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let fty = builder_field_ty(f);
        quote! { pub(crate) #fname: #fty, }
    });
    let setters = s.fields.iter().map(setters);
    let meta_field =
        is_error.then(|| quote! { pub(crate) meta: Option<::aws_client_runtime::ErrorMetadata>, });
    let meta_setter = is_error.then(|| {
        quote! {
            /// Sets the error metadata (code, message, request id, status).
            pub fn meta(mut self, meta: ::aws_client_runtime::ErrorMetadata) -> Self {
                self.meta = Some(meta);
                self
            }
        }
    });
    let assigns: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| {
            let fname = ident(&f.name);
            if f.optional {
                quote! { #fname: self.#fname, }
            } else {
                quote! { #fname: self.#fname.unwrap_or_default(), }
            }
        })
        .collect();
    let meta_assign = is_error.then(|| quote! { meta: self.meta.unwrap_or_default(), });
    let build =
        if let StructKind::Input { .. } = s.kind {
            let shape = &s.name;
            let checks = s.fields.iter().filter(|f| f.required && f.optional).map(|f| {
            let fname = ident(&f.name);
            let shown = f.label();
            quote! {
                if self.#fname.is_none() {
                    return Err(::aws_client_runtime::BuildError::missing_field(#shape, #shown));
                }
            }
        });
            quote! {
                /// Builds the input, checking that every required member is set.
                pub fn build(self) -> Result<#name, ::aws_client_runtime::BuildError> {
                    #(#checks)*
                    Ok(#name { #(#assigns)* })
                }
            }
        } else {
            quote! {
                /// Builds the value.
                pub fn build(self) -> #name {
                    #name { #(#assigns)* #meta_assign }
                }
            }
        };
    let debug_derive = if sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    // The builder shows what the struct shows: sensitive members redacted.
    let debug_impl = sensitive.then(|| debug_impl(builder, s, false));
    let doc = format!(" A builder for [`{}`].", s.name);
    quote! {
        #[doc = #doc]
        #[non_exhaustive]
        #[derive(Clone, PartialEq, Default, #debug_derive)]
        pub struct #builder {
            #(#fields)*
            #meta_field
        }

        impl #builder {
            #(#setters)*
            #meta_setter
            #build
        }

        #debug_impl
    }
}

/// Builder fields are always optional; boxed members stay boxed.
fn builder_field_ty(f: &Field) -> TokenStream {
    let inner = ty(&f.ty);
    if f.boxed {
        quote! { Option<Box<#inner>> }
    } else {
        quote! { Option<#inner> }
    }
}

/// `x(..)`, `set_x(..)` and `get_x()` for one member.
pub fn setters(f: &Field) -> TokenStream {
    let fname = ident(&f.name);
    let set = ident(&f.setter);
    let get = ident(&f.getter);
    let docs = docs_or(&f.docs, &format!("The `{}` member.", f.member_name));
    let dep = deprecated_attr(&f.deprecated);
    let inner = ty(&f.ty);
    let stored = builder_field_ty(f);
    let wrap = if f.boxed {
        quote! { Box::new(input.into()) }
    } else {
        quote! { input.into() }
    };
    let set_wrap = if f.boxed {
        quote! { input.map(Box::new) }
    } else {
        quote! { input }
    };
    let main = match &f.ty {
        RustType::List(item, sparse) => {
            let item = ty(item);
            let item = if let Sparsity::Sparse = sparse {
                quote! { Option<#item> }
            } else {
                quote! { impl Into<#item> }
            };
            let push = if let Sparsity::Sparse = sparse {
                quote! { input }
            } else {
                quote! { input.into() }
            };
            let doc = format!(
                " Appends one item to `{}`; use [`Self::{}`] to replace the whole list.",
                f.member_name, set
            );
            quote! {
                #[doc = #doc]
                #docs
                #dep
                pub fn #fname(mut self, input: #item) -> Self {
                    self.#fname.get_or_insert_with(Vec::new).push(#push);
                    self
                }
            }
        }
        RustType::Map(value, sparse) => {
            let value = ty(value);
            let value = if let Sparsity::Sparse = sparse {
                quote! { Option<#value> }
            } else {
                quote! { impl Into<#value> }
            };
            let put = if let Sparsity::Sparse = sparse {
                quote! { v }
            } else {
                quote! { v.into() }
            };
            let doc = format!(
                " Adds one entry to `{}`; use [`Self::{}`] to replace the whole map.",
                f.member_name, set
            );
            quote! {
                #[doc = #doc]
                #docs
                #dep
                pub fn #fname(mut self, k: impl Into<String>, v: #value) -> Self {
                    self.#fname.get_or_insert_with(Default::default).insert(k.into(), #put);
                    self
                }
            }
        }
        _ => quote! {
            #docs
            #dep
            pub fn #fname(mut self, input: impl Into<#inner>) -> Self {
                self.#fname = Some(#wrap);
                self
            }
        },
    };
    quote! {
        #main
        #docs
        #dep
        pub fn #set(mut self, input: Option<#inner>) -> Self {
            self.#fname = #set_wrap;
            self
        }
        #docs
        #dep
        pub fn #get(&self) -> &#stored {
            &self.#fname
        }
    }
}
