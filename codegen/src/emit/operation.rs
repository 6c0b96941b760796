//! One file per operation: the operation marker that the runtime drives, its input and output
//! (with builders), its error enum, the fluent builder behind `client.<op>()`, and a paginator.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{deprecated_attr, doc_attrs, docs_or, ident, ty};
use super::structure;
use crate::plan::{OperationPlan, PaginatorPlan, RustType, Sparsity};

/// The whole `operation/<name>.rs` file.
pub fn emit(op: &OperationPlan) -> TokenStream {
    let marker = ident(&op.marker);
    let input = ident(&op.input.name);
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let fluent = ident(&op.fluent_builder);
    let input_builder = ident(&op.input.builder);
    let wire_name = &op.name;
    let op_docs = docs_or(&op.docs, &format!("The `{}` operation.", op.name));
    let deprecated = deprecated_attr(&op.deprecated);

    let input_tokens = structure::emit(&op.input);
    let output_tokens = structure::emit(&op.output);

    let error_arms = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let tyname = ident(&e.type_name);
        let code = &e.code;
        quote! { Some(#code) => #error::#variant(crate::types::error::#tyname::from_response(meta, body)), }
    });
    let retryable_arms = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let tyname = ident(&e.type_name);
        quote! { #error::#variant(_) => crate::types::error::#tyname::RETRYABLE, }
    });
    let error_enum = emit_error_enum(op, &error);
    let parse_body = if op.errors.is_empty() {
        quote! {
            let _ = body;
            #error::Unhandled(::aws_client_runtime::Unhandled::new(meta))
        }
    } else {
        quote! {
            match meta.code() {
                #(#error_arms)*
                _ => #error::Unhandled(::aws_client_runtime::Unhandled::new(meta)),
            }
        }
    };
    let fluent_setters = op.input.fields.iter().map(fluent_setter);
    let paginator = op
        .paginator
        .as_ref()
        .map(|p| emit_paginator(op, p, &marker, &fluent));
    let send_doc = format!(" Sends the `{}` request.", op.name);
    let error_doc = format!(
        " Errors of the `{}` operation: one variant per modelled fault, plus `Unhandled`.",
        op.name
    );
    let fluent_doc = format!(
        " Fluent builder for the `{}` operation, made by the client; finish with `send()`.",
        op.name
    );
    let _ = error_doc;
    let retry_match = if op.errors.is_empty() {
        quote! { let _ = error; false }
    } else {
        quote! {
            match error {
                #(#retryable_arms)*
                #error::Unhandled(_) => false,
            }
        }
    };

    quote! {
        #op_docs
        #deprecated
        #[derive(Debug, Clone, Copy, Default)]
        #[non_exhaustive]
        pub struct #marker;

        impl ::aws_client_runtime::Operation for #marker {
            type Input = #input;
            type Output = #output;
            type Error = #error;
            const NAME: &'static str = #wire_name;

            fn serialize_request(
                input: &#input,
            ) -> Result<::aws_client_runtime::transport::HttpRequest, ::aws_client_runtime::error::BoxError> {
                crate::service::PROTOCOL.serialize_request(Self::NAME, input)
            }

            fn deserialize_response(
                response: &::aws_client_runtime::export::http::Response<::aws_client_runtime::export::bytes::Bytes>,
            ) -> Result<#output, ::aws_client_runtime::DeserializeError<#error>> {
                crate::service::PROTOCOL.deserialize_response(Self::NAME, response, Self::parse_error)
            }

            fn parse_error(meta: ::aws_client_runtime::ErrorMetadata, body: &[u8]) -> #error {
                #parse_body
            }

            fn is_retryable_error(error: &#error) -> bool {
                #retry_match
            }
        }

        #input_tokens
        #output_tokens
        #error_enum

        #[doc = #fluent_doc]
        #[doc = ""]
        #op_docs
        #[derive(Debug, Clone)]
        pub struct #fluent {
            handle: ::aws_client_runtime::client::Handle,
            inner: #input_builder,
        }

        /// Starts the fluent builder; a free function so no member name can clash with it.
        pub(crate) fn fluent_builder(handle: ::aws_client_runtime::client::Handle) -> #fluent {
            #fluent { handle, inner: #input_builder::default() }
        }

        impl #fluent {

            /// The input built so far.
            pub fn as_input(&self) -> &#input_builder {
                &self.inner
            }

            #[doc = #send_doc]
            pub async fn send(self) -> Result<#output, ::aws_client_runtime::SdkError<#error>> {
                let input = self.inner.build().map_err(::aws_client_runtime::SdkError::construction_failure)?;
                self.handle.send::<#marker>(input).await
            }

            #(#fluent_setters)*
        }

        #paginator
    }
}

fn emit_error_enum(op: &OperationPlan, error: &proc_macro2::Ident) -> TokenStream {
    let doc = format!(
        " Errors of the `{}` operation: one variant per modelled fault, plus `Unhandled`.",
        op.name
    );
    let variants = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let tyname = ident(&e.type_name);
        let docs = docs_or(&e.docs, &format!("The `{}` error.", e.code));
        quote! { #docs #variant(crate::types::error::#tyname), }
    });
    let vnames: Vec<_> = op.errors.iter().map(|e| ident(&e.variant)).collect();
    let is_fns = op.errors.iter().map(|e| {
        let variant = ident(&e.variant);
        let is = ident(&e.is_method);
        let doc = format!(" Whether this is [`{}::{}`].", error, e.variant);
        quote! {
            #[doc = #doc]
            pub fn #is(&self) -> bool {
                matches!(self, Self::#variant(_))
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[non_exhaustive]
        #[derive(Debug)]
        pub enum #error {
            #(#variants)*
            /// An error the model does not describe; keeps the code, message, status and request id.
            Unhandled(::aws_client_runtime::Unhandled),
        }

        impl #error {
            /// Code, message, request id and status of the error response.
            pub fn meta(&self) -> &::aws_client_runtime::ErrorMetadata {
                use ::aws_client_runtime::ProvideErrorMetadata as _;
                match self {
                    #( Self::#vnames(e) => e.meta(), )*
                    Self::Unhandled(e) => e.meta(),
                }
            }

            /// The error code, e.g. the fault's name.
            pub fn code(&self) -> Option<&str> {
                self.meta().code()
            }

            /// The error message.
            pub fn message(&self) -> Option<&str> {
                match self {
                    #( Self::#vnames(e) => e.message(), )*
                    Self::Unhandled(e) => ::aws_client_runtime::ProvideErrorMetadata::meta(e).message(),
                }
            }

            /// The request id of the error response.
            pub fn request_id(&self) -> Option<&str> {
                self.meta().request_id()
            }

            #(#is_fns)*

            /// Whether the error is one the model does not describe.
            pub fn is_unhandled(&self) -> bool {
                matches!(self, Self::Unhandled(_))
            }
        }

        impl std::fmt::Display for #error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #( Self::#vnames(e) => std::fmt::Display::fmt(e, f), )*
                    Self::Unhandled(e) => std::fmt::Display::fmt(e, f),
                }
            }
        }

        // Transparent: each variant displays as its inner error, so the source is the inner
        // error's source, and a report walking the chain prints every message once.
        impl std::error::Error for #error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    #( Self::#vnames(e) => std::error::Error::source(e), )*
                    Self::Unhandled(e) => std::error::Error::source(e),
                }
            }
        }

        impl ::aws_client_runtime::ProvideErrorMetadata for #error {
            fn meta(&self) -> &::aws_client_runtime::ErrorMetadata {
                #error::meta(self)
            }
        }
    }
}

fn fluent_setter(f: &crate::plan::Field) -> TokenStream {
    let fname = ident(&f.name);
    let set = ident(&f.setter);
    let get = ident(&f.getter);
    let docs = docs_or(&f.docs, &format!("The `{}` member.", f.member_name));
    let dep = deprecated_attr(&f.deprecated);
    let inner = ty(&f.ty);
    let stored = if f.boxed {
        quote! { Option<Box<#inner>> }
    } else {
        quote! { Option<#inner> }
    };
    let main = match &f.ty {
        RustType::List(item, sparse) => {
            let item = ty(item);
            let item = if let Sparsity::Sparse = sparse {
                quote! { Option<#item> }
            } else {
                quote! { impl Into<#item> }
            };
            quote! {
                #docs #dep
                pub fn #fname(mut self, input: #item) -> Self {
                    self.inner = self.inner.#fname(input);
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
            quote! {
                #docs #dep
                pub fn #fname(mut self, k: impl Into<String>, v: #value) -> Self {
                    self.inner = self.inner.#fname(k, v);
                    self
                }
            }
        }
        _ => quote! {
            #docs #dep
            pub fn #fname(mut self, input: impl Into<#inner>) -> Self {
                self.inner = self.inner.#fname(input);
                self
            }
        },
    };
    quote! {
        #main
        #docs #dep
        pub fn #set(mut self, input: Option<#inner>) -> Self {
            self.inner = self.inner.#set(input);
            self
        }
        #docs #dep
        pub fn #get(&self) -> &#stored {
            self.inner.#get()
        }
    }
}

fn emit_paginator(
    op: &OperationPlan,
    p: &PaginatorPlan,
    marker: &proc_macro2::Ident,
    fluent: &proc_macro2::Ident,
) -> TokenStream {
    let paginator = ident(&p.name);
    let input_builder = ident(&op.input.builder);
    let output = ident(&op.output.name);
    let error = ident(&op.error);
    let in_tok = ident(&p.input_token);
    let out_tok = ident(&p.output_token);
    let doc = format!(
        " Pages of `{}`, each requested when the stream is polled.",
        op.name
    );
    // String tokens are borrowed from each page; map tokens (DynamoDB keys) are cloned.
    let (pages_call, items_call, read_token) = if p.string_token {
        (
            quote! { ::aws_client_runtime::paginate::paginate::<#marker> },
            quote! { ::aws_client_runtime::paginate::paginate_items::<#marker, _> },
            quote! { |page| page.#out_tok.as_deref() },
        )
    } else {
        (
            quote! { ::aws_client_runtime::paginate::paginate_with_token::<#marker, _> },
            quote! { ::aws_client_runtime::paginate::paginate_items_with_token::<#marker, _, _> },
            quote! { |page| page.#out_tok.clone() },
        )
    };
    let page_size = p.page_size.as_ref().map(|(field, t)| {
        let field = ident(field);
        let t = ty(t);
        quote! {
            /// Sets how many results each page may hold.
            pub fn page_size(mut self, limit: #t) -> Self {
                self.inner = self.inner.#field(limit);
                self
            }
        }
    });
    let items = p.items.as_ref().map(|(field, item)| {
        let field = ident(field);
        let item = ty(item);
        quote! {
            /// The items of every page, one by one.
            pub fn items(self) -> ::aws_client_runtime::paginate::PaginationStream<Result<#item, ::aws_client_runtime::SdkError<#error>>> {
                match self.inner.build() {
                    Ok(input) => #items_call(
                        self.handle,
                        input,
                        #read_token,
                        |input, token| input.#in_tok = token,
                        |page| page.#field.unwrap_or_default(),
                    ),
                    Err(e) => ::aws_client_runtime::paginate::PaginationStream::new(
                        ::aws_client_runtime::export::futures_util::stream::once(async move {
                            Err(::aws_client_runtime::SdkError::construction_failure(e))
                        }),
                    ),
                }
            }
        }
    });
    let fluent_doc = doc_attrs(&[
        "Pages through all results; see the paginator's `send` and `items`.".to_string(),
    ]);
    quote! {
        impl #fluent {
            #fluent_doc
            pub fn into_paginator(self) -> #paginator {
                #paginator { handle: self.handle, inner: self.inner }
            }
        }

        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #paginator {
            handle: ::aws_client_runtime::client::Handle,
            inner: #input_builder,
        }

        impl #paginator {
            #page_size

            /// Every page as a stream, stopping after the last page or the first error.
            pub fn send(self) -> ::aws_client_runtime::paginate::PaginationStream<Result<#output, ::aws_client_runtime::SdkError<#error>>> {
                match self.inner.build() {
                    Ok(input) => #pages_call(
                        self.handle,
                        input,
                        #read_token,
                        |input, token| input.#in_tok = token,
                    ),
                    Err(e) => ::aws_client_runtime::paginate::PaginationStream::new(
                        ::aws_client_runtime::export::futures_util::stream::once(async move {
                            Err(::aws_client_runtime::SdkError::construction_failure(e))
                        }),
                    ),
                }
            }

            #items
        }
    }
}
