//! String enums and intEnums: known variants plus `Unknown` keeping the raw value.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{deprecated_attr, docs_or, ident};
use crate::plan::{EnumDef, EnumValues, EnumVariant};

/// The enum and its conversions.
pub fn emit(e: &EnumDef) -> TokenStream {
    match &e.values {
        EnumValues::String(variants) => emit_str(e, variants),
        EnumValues::Int(variants) => emit_int(e, variants),
    }
}

fn emit_str(e: &EnumDef, variants: &[EnumVariant<String>]) -> TokenStream {
    let name = ident(&e.name);
    let docs = docs_or(&e.docs, &format!("The `{}` enum.", e.shape_id));
    let deprecated = deprecated_attr(&e.deprecated);
    let variant_tokens = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let value = &v.value;
        let vdocs = if v.docs.is_empty() {
            docs_or(&[], &format!("`{value}`"))
        } else {
            docs_or(&v.docs, "")
        };
        let dep = deprecated_attr(&v.deprecated);
        quote! { #vdocs #dep #vname, }
    });
    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
    let vnames: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let unknown_doc = format!(
        " A value this version of the client does not know; [`{}::as_str`] returns it unchanged.",
        e.name
    );
    quote! {
        #docs
        #deprecated
        #[non_exhaustive]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variant_tokens)*
            #[doc = #unknown_doc]
            Unknown(crate::primitives::UnknownValue),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#vnames => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Every value this version of the client knows.
            pub const fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#vnames, )*
                    other => Self::Unknown(crate::primitives::UnknownValue::new(other)),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::aws_client_runtime::serde_fmt::enum_from_str(deserializer)
            }
        }
    }
}

fn emit_int(e: &EnumDef, variants: &[EnumVariant<i32>]) -> TokenStream {
    let name = ident(&e.name);
    let docs = docs_or(&e.docs, &format!("The `{}` intEnum.", e.shape_id));
    let deprecated = deprecated_attr(&e.deprecated);
    let values: Vec<i32> = variants.iter().map(|v| v.value).collect();
    let variant_tokens = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let value = v.value;
        let vdocs = if v.docs.is_empty() {
            docs_or(&[], &format!("`{value}`"))
        } else {
            docs_or(&v.docs, "")
        };
        let dep = deprecated_attr(&v.deprecated);
        quote! { #vdocs #dep #vname, }
    });
    let vnames: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    quote! {
        #docs
        #deprecated
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variant_tokens)*
            /// A value this version of the client does not know, kept unchanged.
            Unknown(i32),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn value(&self) -> i32 {
                match self {
                    #( Self::#vnames => #values, )*
                    Self::Unknown(value) => *value,
                }
            }

            /// Every value this version of the client knows.
            pub const fn values() -> &'static [i32] {
                &[#(#values),*]
            }
        }

        impl From<i32> for #name {
            fn from(value: i32) -> Self {
                match value {
                    #( #values => Self::#vnames, )*
                    other => Self::Unknown(other),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i32(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(Self::from(<i32 as serde::Deserialize>::deserialize(deserializer)?))
            }
        }
    }
}
